import { Injectable, Logger } from '@nestjs/common';
import { asOrganizationId } from '@/access/organization-id';
import { orgRoles, type OrgRole } from '@/access/roles';
import { type AppConfig, InjectConfig } from '@/config';
import { newId } from '@/database/base.entity';
import type { AnyDomainEvent, DomainEvent } from '@/events/event-catalogue';
import { MailQueue } from '@/integrations/mail/mail-queue';
import { toNotificationDto } from './dto/notification.dto';
import { NotificationPusher } from './notification-pusher';
import { type Audience, contentFor, effectivePreference, isNotifying, planFor } from './notification-types';
import { NotificationsRepository } from './notifications.repository';
import { EmailTemplates } from './templates/email-templates';

/** What one `notify` job did (its return value, shown in the queue dashboard). */
export interface DeliveryOutcome {
  readonly notified: number;
  readonly emails: number;
}

const NOTHING: DeliveryOutcome = { notified: 0, emails: 0 };
/** Rows deleted per statement by the retention job. */
const PRUNE_BATCH = 1_000;

const rolesOf = (audience: Audience): readonly OrgRole[] =>
  audience.kind === 'admins' ? ['org_admin'] : audience.kind === 'agents' ? ['agent', 'org_admin'] : orgRoles;

const formatDate = (iso: string): string => new Date(iso).toUTCString();

/**
 * The `notify` job (worker side): from one domain event to its notifications. Recipients and their
 * preferences in one query; the in-app rows in one insert (a redelivered event inserts nothing);
 * `notification.created` pushed for the rows inserted; then one email per recipient whose email
 * channel is on, queued on the `mail` queue (retried there). The rows are committed before any email
 * is queued, so a failing SMTP server never loses the in-app copy.
 */
@Injectable()
export class NotificationDelivery {
  private readonly logger = new Logger(NotificationDelivery.name);
  private readonly dashboardUrl: string;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly repo: NotificationsRepository,
    private readonly pusher: NotificationPusher,
    private readonly mail: MailQueue,
    private readonly templates: EmailTemplates,
  ) {
    this.dashboardUrl = config.notifications.dashboardUrl;
  }

  async deliver(event: AnyDomainEvent): Promise<DeliveryOutcome> {
    if (event.type === 'invitation.created') return this.invitationEmail(event);
    if (event.type === 'auth.password_reset_requested') return this.passwordResetEmail(event);
    const plan = planFor(event);
    if (!plan || !isNotifying(event) || event.organizationId === null) return NOTHING;
    const organizationId = asOrganizationId(event.organizationId);
    const recipients = await this.repo.recipients(organizationId, {
      type: plan.type,
      roles: rolesOf(plan.audience),
      userIds: plan.audience.kind === 'users' ? plan.audience.userIds : null,
      departmentId: plan.audience.kind === 'agents' ? plan.audience.departmentId : null,
      exceptUserId: plan.exceptUserId,
      actorId: plan.actorId,
    });
    const [first] = recipients;
    if (!first) return NOTHING;
    const content = contentFor(event, {
      dashboardUrl: this.dashboardUrl,
      actorName: first.actorName,
      departmentName: first.departmentName,
    });

    const inserted = await this.repo.insert(organizationId, {
      type: plan.type,
      title: content.title,
      body: content.body,
      data: content.data,
      sourceEventId: event.id,
      rows: recipients
        .filter((r) => effectivePreference(plan.type, 'in_app', r.inApp))
        .map((r) => ({ id: newId(), userId: r.userId })),
    });
    await this.pusher.created(
      organizationId,
      inserted.map((row) => ({ userId: row.userId, dto: toNotificationDto(row) })),
    );

    const emailTo = recipients.filter((r) => effectivePreference(plan.type, 'email', r.emailEnabled));
    if (emailTo.length > 0 && !this.mail.enabled) {
      this.logger.log(`Mail is off (SMTP_URL): ${emailTo.length} ${plan.type} email(s) of event ${event.id} skipped`);
      return { notified: inserted.length, emails: 0 };
    }
    for (const recipient of emailTo) {
      const email = this.templates.notification(plan.type, {
        recipientName: recipient.name,
        organizationName: recipient.organizationName,
        preferencesUrl: `${this.dashboardUrl}/settings/notifications`,
        title: content.title,
        body: content.body,
        url: content.data.url,
        details: content.details,
      });
      // One id per event and recipient, the identity of the notification (`uq_notifications_source`):
      // a retried job (even one that crashed between the insert and here) queues each email once.
      await this.mail.enqueue(
        organizationId,
        { to: [recipient.email], ...email },
        `notification-${plan.type}-${event.id}-${recipient.userId}`,
        { attempts: this.config.notifications.emailAttempts },
      );
    }
    return { notified: inserted.length, emails: emailTo.length };
  }

  /** Deletes read notifications older than the retention, in batches. Platform-wide. */
  async prune(): Promise<{ deleted: number; cutoff: string }> {
    const cutoff = new Date(Date.now() - this.config.notifications.retentionDays * 86_400_000);
    let deleted = 0;
    for (;;) {
      const batch = await this.repo.pruneReadBefore(cutoff, PRUNE_BATCH);
      deleted += batch;
      if (batch < PRUNE_BATCH) break;
    }
    this.logger.log(`Pruned ${deleted} notification(s) read before ${cutoff.toISOString()}`);
    return { deleted, cutoff: cutoff.toISOString() };
  }

  /** The invitation email: to the invited address (no account yet, so no preferences). */
  private async invitationEmail(event: DomainEvent<'invitation.created'>): Promise<DeliveryOutcome> {
    if (!this.mailOn('invitation', event.id)) return NOTHING;
    const { email, token, organizationName, role, expiresAt } = event.data;
    const accept = new URL(`${this.dashboardUrl}/invitations/accept`);
    // The accept route (`POST /api/v1/invitations/accept`, or registration with `invitationToken`)
    // needs the token; the address lets the dashboard fill in the sign-up form.
    accept.searchParams.set('token', token);
    accept.searchParams.set('email', email);
    const rendered = this.templates.accountEmail('invitation', {
      recipientName: 'there',
      organizationName,
      role: role.replace(/_/g, ' '),
      acceptUrl: accept.toString(),
      expiresAt: formatDate(expiresAt),
      footerNote: 'You get this email because someone invited this address; it is sent once.',
    });
    await this.mail.enqueue(event.organizationId, { to: [email], ...rendered }, `invitation-${event.id}`, {
      attempts: this.config.notifications.emailAttempts,
    });
    return { notified: 0, emails: 1 };
  }

  /** The password-reset email: a security email, which preferences cannot mute. */
  private async passwordResetEmail(event: DomainEvent<'auth.password_reset_requested'>): Promise<DeliveryOutcome> {
    if (!this.mailOn('password reset', event.id)) return NOTHING;
    const { email, name, token, expiresAt } = event.data;
    const reset = new URL(`${this.dashboardUrl}/reset-password`);
    reset.searchParams.set('token', token);
    const rendered = this.templates.accountEmail('passwordReset', {
      recipientName: name,
      resetUrl: reset.toString(),
      expiresAt: formatDate(expiresAt),
      footerNote: 'Security emails like this one cannot be turned off.',
    });
    await this.mail.enqueue(null, { to: [email], ...rendered }, `password-reset-${event.id}`, {
      attempts: this.config.notifications.emailAttempts,
    });
    return { notified: 0, emails: 1 };
  }

  private mailOn(what: string, eventId: string): boolean {
    if (this.mail.enabled) return true;
    this.logger.log(`Mail is off (SMTP_URL): ${what} email of event ${eventId} skipped`);
    return false;
  }
}
