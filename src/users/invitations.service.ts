import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { TenantContext } from '@/access/principal';
import { hashToken, newOpaqueToken } from '@/common/crypto/tokens';
import { type Page, toPage } from '@/common/pagination/keyset';
import { type AppConfig, InjectConfig } from '@/config';
import { EventsPublisher } from '@/events/events.publisher';
import { Quotas } from '@/billing/billing.contracts';
import type { CreateInvitationDto } from './dto/invitation.dto';
import { type CreatedInvitationDto, type InvitationDto, invitationStatus, toInvitationDto } from './dto/invitation.dto';
import { InvitationsRepository } from './invitations.repository';
import { MembershipsRepository } from './memberships.repository';
import { OrganizationsRepository } from './organizations.repository';
import { UsersRepository } from './users.repository';
import { AlreadyMember, InvitationInvalid, InvitationNotFound } from './users.exception';

@Injectable()
export class InvitationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    private readonly invitations: InvitationsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly users: UsersRepository,
    private readonly events: EventsPublisher,
    private readonly quotas: Quotas,
  ) {}

  async create(
    tenant: TenantContext,
    invitedBy: string | null,
    dto: CreateInvitationDto,
  ): Promise<CreatedInvitationDto> {
    const email = dto.email.toLowerCase();
    const existing = await this.users.findByEmail(email);
    if (existing && (await this.memberships.find(tenant.organizationId, existing.id))) throw new AlreadyMember();
    // Open invitations count as members (accepting one adds nobody the plan has not counted).
    await this.quotas.assertAvailable(tenant.organizationId, 'members');
    const token = newOpaqueToken('inv_');
    // The event (for the notification that emails the token) commits with the invitation, or neither does.
    const invitation = await this.dataSource.transaction(async (em) => {
      const created = await this.invitations.create(
        tenant.organizationId,
        {
          email,
          role: dto.role,
          tokenHash: hashToken(token),
          invitedByUserId: invitedBy,
          expiresAt: new Date(Date.now() + this.config.auth.invitationTtlSeconds * 1000),
        },
        em,
      );
      const organization = await this.organizations.findById(tenant.organizationId, em);
      await this.events.publishIn(em, [
        this.events.event('invitation.created', tenant.organizationId, {
          invitationId: created.id,
          organizationName: organization?.name ?? '',
          email,
          role: dto.role,
          token,
          expiresAt: created.expiresAt.toISOString(),
        }),
      ]);
      return created;
    });
    return { ...toInvitationDto(invitation), token };
  }

  async list(tenant: TenantContext, limit: number, cursor?: string): Promise<Page<InvitationDto>> {
    return toPage(await this.invitations.listPage(tenant.organizationId, limit, cursor), limit, toInvitationDto);
  }

  async revoke(tenant: TenantContext, id: string): Promise<void> {
    const invitation = await this.invitations.find(tenant.organizationId, id);
    if (!invitation) throw new InvitationNotFound(id);
    if (invitationStatus(invitation) === 'pending') {
      await this.invitations.update(tenant.organizationId, id, { revokedAt: new Date() });
    }
  }

  /** The signed-in user accepts: they must be the invitee (same email). Returns the organization id. */
  accept(userId: string, token: string): Promise<string> {
    return this.dataSource.transaction((em) => this.acceptIn(em, userId, token));
  }

  /** Acceptance inside a caller's transaction (registration with an invitation). */
  async acceptIn(em: EntityManager, userId: string, token: string): Promise<string> {
    const invitation = await this.invitations.findByTokenHashForUpdate(hashToken(token), em);
    if (!invitation) throw new InvitationInvalid('unknown');
    const status = invitationStatus(invitation);
    if (status === 'accepted') throw new InvitationInvalid('used');
    if (status !== 'pending') throw new InvitationInvalid(status);
    const user = await this.users.findById(userId, em);
    if (!user || user.email !== invitation.email) throw new InvitationInvalid('email_mismatch');
    if (await this.memberships.find(invitation.organizationId, userId, em)) throw new AlreadyMember();
    await this.memberships.add(invitation.organizationId, userId, invitation.role, em);
    await this.invitations.update(
      invitation.organizationId,
      invitation.id,
      { acceptedAt: new Date(), acceptedByUserId: userId },
      em,
    );
    return invitation.organizationId;
  }
}
