import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { PublishedChatbots } from '@/chatbots/published-chatbots.service';
import { BotNotAvailable, OriginNotAllowed, SessionNotFound } from './executions.exception';
import { SessionsRepository } from './sessions.repository';

export interface SessionOwner {
  readonly organizationId: OrganizationId;
  readonly chatbotId: string;
  readonly preview: boolean;
}

interface BotAccess {
  readonly allowedOrigins: readonly string[];
  readonly organizationSuspended: boolean;
}

/** Sessions whose owner is kept in memory (it never changes); least recently used go first. */
const MAX_OWNERS = 10_000;
const MAX_BOTS = 10_000;
/** How long a bot's allowed origins and its organization's suspension are trusted without a query. */
const BOT_ACCESS_TTL_MS = 5_000;

/** Whether a browser page on `origin` may talk to a bot allowing `allowed` (empty: any origin). */
export const originAllowed = (allowed: readonly string[], origin: string | undefined): boolean =>
  !origin || allowed.length === 0 || allowed.includes(origin);

/**
 * The checks of every visitor request on a running session, beyond its token: the bot's
 * organization is not suspended (404 `bot.not_found`) and the request's Origin, when it carries
 * one, is one of the bot's allowed origins (403 `bot.origin_not_allowed`; previews, which the
 * dashboard drives, are exempt). Both read the bot's current settings, as starting a session does,
 * so a change applies to running conversations within seconds. A warm request costs no query: who
 * owns a session is cached for good, a bot's access for a few seconds.
 */
@Injectable()
export class VisitorAccess {
  private readonly owners = new Map<string, SessionOwner>();
  private readonly bots = new Map<string, { access: BotAccess | undefined; until: number }>();

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly chatbots: PublishedChatbots,
  ) {}

  /** A session just started here: its next requests need no lookup of its owner. */
  remember(sessionId: string, owner: SessionOwner): void {
    this.owners.set(sessionId, owner);
    if (this.owners.size > MAX_OWNERS) this.owners.delete(this.owners.keys().next().value!);
  }

  async check(sessionId: string, origin: string | undefined): Promise<void> {
    const owner = await this.owner(sessionId);
    if (!owner) throw new SessionNotFound();
    const access = await this.access(owner.chatbotId);
    if (!access || access.organizationSuspended) throw new BotNotAvailable();
    if (!owner.preview && !originAllowed(access.allowedOrigins, origin)) throw new OriginNotAllowed(origin!);
  }

  /** Who owns a session (cached for good: it never changes); undefined when there is no such session. */
  async owner(sessionId: string): Promise<SessionOwner | undefined> {
    const hit = this.owners.get(sessionId);
    if (hit) {
      this.owners.delete(sessionId);
      this.owners.set(sessionId, hit);
      return hit;
    }
    const owner = await this.sessions.findOwnerBySessionToken(sessionId);
    if (owner) this.remember(sessionId, owner);
    return owner;
  }

  private async access(chatbotId: string): Promise<BotAccess | undefined> {
    const now = Date.now();
    const hit = this.bots.get(chatbotId);
    if (hit && hit.until > now) return hit.access;
    const access = await this.chatbots.findPublicAccessForSessionBot(chatbotId);
    this.bots.delete(chatbotId);
    this.bots.set(chatbotId, { access, until: now + BOT_ACCESS_TTL_MS });
    if (this.bots.size > MAX_BOTS) this.bots.delete(this.bots.keys().next().value!);
    return access;
  }
}
