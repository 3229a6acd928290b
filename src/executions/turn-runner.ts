import type { OrganizationId } from '@/access/organization-id';
import { Injectable, Logger } from '@nestjs/common';
import type { FlowDocument } from '@/flows';
import {
  type AwaitedEffect,
  type Awaiting,
  type BotMessage,
  type EngineError,
  type EngineInput,
  type EngineResult,
  type HandoffEffect,
  type HttpRequestEffect,
  isAwaitedEffect,
  type LogStep,
  type SendEmailEffect,
  type ContactValues,
  type UpdateContactEffect,
} from './engine/engine-types';
import { ContactsService } from '@/contacts/contacts.service';
import { contactValuesOf } from './contact-values';
import { assertNever } from './engine/assert-never';
import { runEngine } from './engine/run-engine';
import { requiredFlowRefs, type SessionState } from './engine/session-state';
import { ConnectionsService } from '@/integrations/connections/connections.service';
import { type RequestAuth, withAuthHeaders, withAuthQuery } from '@/integrations/connections/connection-auth';
import { MailQueue } from '@/integrations/mail/mail-queue';
import type { AiUsage } from '@/integrations/openai';
import type { EffectOutcome } from './effects/effect-outcome';
import { type HttpEffectData, HttpEffectRunner } from './effects/http-effect.runner';
import { OpenAiEffectRunner } from './effects/openai-effect.runner';
import { LinkedFlows } from './linked-flows';

/** Something the client does itself between messages (Typebot: clientSideActions). */
export type ClientAction =
  | { type: 'redirect'; url: string; newTab: boolean; afterMessageCount: number }
  | { type: 'wait'; seconds: number; afterMessageCount: number };

export interface TurnContext {
  readonly organizationId: OrganizationId;
  readonly chatbotId: string;
  readonly sessionId: string;
  readonly flow: FlowDocument;
  /** Previews may skip effects that touch the outside world. */
  readonly runEffects: boolean;
  /** A preview of the draft: never writes contacts, whatever `runEffects` says. */
  readonly preview?: boolean;
  /**
   * Called once before the first effect that reaches the outside world (HTTP, OpenAI): a turn run
   * on a cached session row checks there that the row is still current, so a stale copy never
   * makes a call twice. Throwing stops the turn.
   */
  readonly beforeOutsideEffects?: () => Promise<void>;
  /** The session's contact (none yet: null), and its values for `{{contact.*}}`, read once per turn by the caller. */
  readonly contactId?: string | null;
  readonly contact?: ContactValues;
}

/** The session's contact as a turn goes: an `updateContact` block may change it, or make and link one. */
interface TurnContact {
  id: string | null;
  values: ContactValues | undefined;
  /** Set when this turn linked the session to a contact (it had none). */
  linked: string | undefined;
}

/** Everything one visitor turn produced, across engine steps and effects. */
export interface TurnOutcome {
  readonly state: SessionState;
  readonly messages: BotMessage[];
  readonly awaiting: Awaiting | null;
  readonly actions: ClientAction[];
  readonly log: LogStep[];
  readonly status: EngineResult['status'];
  readonly handoff: HandoffEffect | undefined;
  /** AI calls that reached the provider (failed ones too); the caller turns them into events saved with the turn. */
  readonly aiUsage: AiUsage[];
  readonly error: EngineError | undefined;
  /** The contact an `updateContact` block linked the session to in this turn (it had none). */
  readonly linkedContactId?: string;
}

/** Engine steps a single turn may chain through effects before it gives up. */
const MAX_EFFECT_ROUNDS = 25;

/**
 * Runs one turn: the pure engine, then the effects it asks for (HTTP, OpenAI, linked bots, wait),
 * feeding each result back, until the bot waits for the visitor or ends. No database access: the
 * caller loads and saves the session.
 */
@Injectable()
export class TurnRunner {
  private readonly logger = new Logger(TurnRunner.name);

  constructor(
    private readonly http: HttpEffectRunner,
    private readonly openai: OpenAiEffectRunner,
    private readonly linked: LinkedFlows,
    private readonly connections: ConnectionsService,
    private readonly mail: MailQueue,
    private readonly contacts: ContactsService,
  ) {}

  async run(
    ctx: TurnContext,
    state: SessionState | undefined,
    first: EngineInput,
    now = new Date(),
  ): Promise<TurnOutcome> {
    const messages: BotMessage[] = [];
    const actions: ClientAction[] = [];
    const log: LogStep[] = [];
    const aiUsage: AiUsage[] = [];
    let handoff: HandoffEffect | undefined;
    let input = first;
    let current = state;
    let checked = false;
    const contact: TurnContact = { id: ctx.contactId ?? null, values: ctx.contact, linked: undefined };
    for (let round = 0; ; round++) {
      const linkedFlows = current ? await this.linked.load(ctx.organizationId, requiredFlowRefs(current)) : {};
      const result = runEngine(ctx.flow, current, input, {
        now,
        random: Math.random,
        linkedFlows,
        ...(contact.values ? { contact: contact.values } : {}),
      });
      const offset = messages.length;
      messages.push(...result.messages);
      log.push(...result.log);
      current = result.nextState;
      for (const effect of result.effects) {
        switch (effect.kind) {
          case 'redirect':
            actions.push({
              type: 'redirect',
              url: effect.url,
              newTab: effect.newTab,
              afterMessageCount: offset + effect.afterMessageCount,
            });
            break;
          case 'handoff':
            handoff = effect;
            break;
          case 'sendEmail':
            log.push(await this.sendEmail(ctx, effect));
            break;
          case 'httpRequest':
          case 'openAiChat':
          case 'openAiTranscription':
          case 'openAiSpeech':
          case 'wait':
          case 'linkBot':
          case 'updateContact':
            break; // awaited: carried out below (carryOut), and its result fed back to the engine
          default:
            assertNever(effect, 'effect');
        }
      }
      const awaited = result.effects.find(isAwaitedEffect);
      if (result.status !== 'awaiting_effect' || !awaited || result.error || round >= MAX_EFFECT_ROUNDS) {
        return {
          state: current,
          messages,
          awaiting: result.awaiting,
          actions,
          log,
          status: result.status,
          handoff,
          aiUsage,
          error: result.error,
          ...(contact.linked ? { linkedContactId: contact.linked } : {}),
        };
      }
      if (awaited.kind === 'wait') {
        actions.push({ type: 'wait', seconds: awaited.seconds, afterMessageCount: offset + awaited.afterMessageCount });
      }
      if (!checked && ctx.beforeOutsideEffects && awaited.kind !== 'wait' && awaited.kind !== 'linkBot') {
        await ctx.beforeOutsideEffects();
        checked = true;
      }
      input = await this.carryOut(ctx, awaited, aiUsage, contact);
    }
  }

  /**
   * An HTTP block's call, with its connection's auth applied when it names one (a connection of
   * another organization, a missing one or one that cannot authenticate HTTP: the error path). An
   * OAuth2 token the API answers 401 to is fetched again, once.
   */
  private async runHttp(ctx: TurnContext, effect: HttpRequestEffect): Promise<EffectOutcome> {
    if (effect.connectionId === undefined) return this.http.run(effect);
    const authorized = await this.connections.httpAuthorization(ctx.organizationId, effect.connectionId);
    if (!authorized.ok) {
      this.logger.warn(`HTTP block ${effect.blockId} of session ${ctx.sessionId}: ${authorized.error}`);
      return {
        outcome: 'error',
        error: authorized.error,
        errorCode: 'effect.invalid_request',
        attempts: 0,
        durationMs: 0,
      };
    }
    const authed = (auth: RequestAuth): HttpRequestEffect => ({
      ...effect,
      url: withAuthQuery(effect.url, auth),
      headers: withAuthHeaders(effect.headers, auth),
      credentialHeaders: auth.headers.map((h) => h.key),
    });
    const done = await this.http.run(authed(authorized.auth));
    if (
      authorized.type !== 'oauth2_client_credentials' ||
      (done.data as HttpEffectData | undefined)?.statusCode !== 401
    ) {
      return done;
    }
    const refreshed = await this.connections.httpAuthorization(ctx.organizationId, effect.connectionId, true);
    if (!refreshed.ok) return done;
    return this.http.run(authed(refreshed.auth));
  }

  /**
   * A send-email block: the mail is queued (`mail.send`, sent by a worker with retries), so the
   * turn never waits for SMTP. Mail off (no `SMTP_URL`): skipped, logged.
   */
  private async sendEmail(ctx: TurnContext, effect: SendEmailEffect): Promise<LogStep> {
    const step = { blockId: effect.blockId, groupId: effect.groupId, kind: 'sendEmail' as const };
    if (!this.mail.enabled) {
      this.logger.warn(`Send-email block ${effect.blockId} skipped: mail is not configured (SMTP_URL)`);
      return { ...step, outcome: 'skipped', error: 'mail is not configured (SMTP_URL)' };
    }
    if (!ctx.runEffects) return { ...step, outcome: 'skipped', error: 'skipped in preview' };
    try {
      await this.mail.enqueue(
        ctx.organizationId,
        {
          to: effect.to,
          cc: effect.cc,
          bcc: effect.bcc,
          ...(effect.replyTo ? { replyTo: effect.replyTo } : {}),
          subject: effect.subject,
          ...(effect.format === 'html' ? { html: effect.body } : { text: effect.body }),
        },
        // effectId is `<block>#<sequence in the session>`: a retried turn queues the same job.
        `send-email-${ctx.sessionId}-${effect.effectId}`,
      );
      return { ...step, outcome: 'ok', detail: 'queued' };
    } catch (error) {
      this.logger.error(
        `Send-email block ${effect.blockId} of session ${ctx.sessionId}: not queued (${String(error)})`,
      );
      return { ...step, outcome: 'error', error: 'the email could not be queued' };
    }
  }

  /** Carries out one awaited effect and returns the engine input that reports its result. */
  private async carryOut(
    ctx: TurnContext,
    effect: AwaitedEffect,
    aiUsage: AiUsage[],
    contact: TurnContact,
  ): Promise<EngineInput> {
    const base = { type: 'effectResult' as const, effectId: effect.effectId };
    switch (effect.kind) {
      case 'wait':
        // The pause is the client's (an action between messages); the flow goes on.
        return { ...base, outcome: 'ok' };
      case 'linkBot': {
        const flowRef = await this.linked.resolve(ctx.organizationId, effect.chatbotPublicId);
        return flowRef
          ? { ...base, outcome: 'ok', data: { flowRef } }
          : { ...base, outcome: 'error', error: `bot ${effect.chatbotPublicId} is not published in this organization` };
      }
      case 'httpRequest': {
        if (!ctx.runEffects) return { ...base, outcome: 'error', error: 'skipped in preview' };
        const done = await this.runHttp(ctx, effect);
        // An answer with an error status still has a body the flow may map; the engine logs the status.
        if (done.data !== undefined) return { ...base, outcome: 'ok', data: done.data };
        return { ...base, outcome: 'error', ...(done.error ? { error: done.error } : {}) };
      }
      case 'openAiChat':
      case 'openAiTranscription':
      case 'openAiSpeech': {
        if (!ctx.runEffects) return { ...base, outcome: 'error', error: 'skipped in preview' };
        const done = await this.openai.run(ctx.organizationId, effect);
        if (done.usage) aiUsage.push(done.usage);
        return { ...base, outcome: done.outcome, data: done.data, ...(done.error ? { error: done.error } : {}) };
      }
      case 'updateContact':
        return { ...base, ...(await this.updateContact(ctx, effect, contact)) };
    }
  }

  /**
   * An `updateContact` block, awaited: ok with the contact's new values (the next engine call reads
   * them), or an error the engine logs (invalid values, a conflict, no contact to make). Never
   * thrown: a failing write must not fail the visitor's turn. Not in previews.
   */
  private async updateContact(
    ctx: TurnContext,
    effect: UpdateContactEffect,
    contact: TurnContact,
  ): Promise<{ outcome: 'ok' } | { outcome: 'error'; error: string }> {
    if (!ctx.runEffects || ctx.preview) return { outcome: 'error', error: 'skipped in preview' };
    try {
      const done = await this.contacts.updateFromFlow(ctx.organizationId, {
        contactId: contact.id,
        sessionId: ctx.sessionId,
        fields: effect.fields,
      });
      if (!done.ok) return { outcome: 'error', error: done.error };
      contact.id = done.contactId;
      if (done.linked) contact.linked = done.contactId;
      contact.values = contactValuesOf(done.contact) ?? contact.values;
      return { outcome: 'ok' };
    } catch (error) {
      this.logger.error(`Update-contact block ${effect.blockId} of session ${ctx.sessionId}: ${String(error)}`);
      return { outcome: 'error', error: 'the contact could not be saved' };
    }
  }
}
