import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { type AppConfig, InjectConfig } from '@/config';
import { InjectRedis } from '@/redis/redis.module';
import { EndedSessionsRepository } from './ended-sessions.repository';
import { RefreshTokensRepository } from './refresh-tokens.repository';

/** How long Redis remembers that a session (or a user) has *not* been signed out. */
export const NOT_ENDED_CACHE_SECONDS = 30;
/** Cache writes kept in memory while Redis is unreachable, replayed when it is back. */
const MAX_PENDING_WRITES = 10_000;
/** Expired rows deleted per write, so the table stays small without a job. */
const PRUNE_BATCH = 500;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Sets KEYS[1] to ARGV[1] (EX ARGV[2]) unless it already holds a number at least as large. */
const SET_MAX = `
local current = tonumber(redis.call('GET', KEYS[1]))
if current and current >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;

export interface TokenSession {
  readonly via: 'local' | 'keycloak';
  readonly userId: string;
  /** `sid` of the token: a refresh-token family (local) or a Keycloak session. */
  readonly sessionId: string | undefined;
  /** `iat` of the token, in seconds. */
  readonly issuedAt: number | undefined;
}

interface CacheWrite {
  readonly key: string;
  readonly value: string;
  /** Epoch ms at which the entry stops mattering. */
  readonly until: number;
  /** Keep the larger number (user-wide logout times) instead of overwriting. */
  readonly max?: boolean;
}

interface Truth {
  /** Undefined when not asked. */
  sessionEndedUntil?: Date | null;
  userLogout?: { at: Date; until: Date } | null;
}

/**
 * Sessions that were signed out while their access tokens are still unexpired.
 *
 * PostgreSQL is the truth: local sessions are refresh-token families (`refresh_tokens.revoked_at`),
 * Keycloak sessions and user-wide logouts are rows of `ended_sessions`. Redis caches the answer per
 * session for every API process: "ended" is written when the session ends and kept as long as its
 * tokens can live; "not ended" is cached for {@link NOT_ENDED_CACHE_SECONDS} and always loses to
 * "ended" (separate keys, both read in one MGET). A cache miss (Redis restarted empty, entry expired)
 * asks PostgreSQL; while Redis is unreachable every check asks PostgreSQL, and writes that could not
 * reach Redis are replayed when it reconnects.
 */
@Injectable()
export class SessionDenylist implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SessionDenylist.name);
  private readonly pending = new Map<string, CacheWrite>();
  private redisFailing = false;

  constructor(
    @InjectRedis() private readonly redis: Redis,
    @InjectConfig() private readonly config: AppConfig,
    private readonly endedSessions: EndedSessionsRepository,
    private readonly refreshTokens: RefreshTokensRepository,
  ) {}

  onModuleInit(): void {
    this.redis.on('ready', this.replay);
  }

  onModuleDestroy(): void {
    this.redis.off('ready', this.replay);
  }

  private readonly keys = {
    ended: (sessionId: string) => `auth:denied-session:${sessionId}`,
    live: (sessionId: string) => `auth:live-session:${sessionId}`,
    userLogout: (userId: string) => `auth:user-logout:${userId}`,
    userNoLogout: (userId: string) => `auth:user-no-logout:${userId}`,
  };

  private get localDenySeconds(): number {
    return this.config.auth.accessTokenTtlSeconds + 60;
  }

  /** Whether tokens of this session must be refused. One Redis round trip when the answer is cached. */
  async isEnded(token: TokenSession): Promise<boolean> {
    const { sessionId, userId, via } = token;
    const checkUser = via === 'keycloak'; // user-wide logouts come from Keycloak's back channel
    const keys = [
      ...(sessionId ? [this.keys.ended(sessionId), this.keys.live(sessionId)] : []),
      ...(checkUser ? [this.keys.userLogout(userId), this.keys.userNoLogout(userId)] : []),
    ];
    if (keys.length === 0) return false;
    const cached = await this.redisCall(() => this.redis.mget(...keys));
    let sessionKnown = !sessionId;
    let userKnown = !checkUser;
    if (cached) {
      if (sessionId) {
        if (cached[0] != null) return true; // ended wins over any "not ended"
        sessionKnown = cached[1] != null;
      }
      if (checkUser) {
        const [loggedOutAt, noLogout] = cached.slice(sessionId ? 2 : 0);
        if (loggedOutAt != null && issuedBefore(token.issuedAt, Number(loggedOutAt))) return true;
        userKnown = loggedOutAt != null || noLogout != null;
      }
    }
    if (sessionKnown && userKnown) return false;

    const truth = await this.lookup(via, sessionKnown ? undefined : sessionId, userKnown ? undefined : userId);
    const writes: CacheWrite[] = [];
    const now = Date.now();
    if (truth.sessionEndedUntil !== undefined && sessionId) {
      writes.push(
        truth.sessionEndedUntil
          ? { key: this.keys.ended(sessionId), value: '1', until: truth.sessionEndedUntil.getTime() }
          : { key: this.keys.live(sessionId), value: '1', until: now + NOT_ENDED_CACHE_SECONDS * 1000 },
      );
    }
    if (truth.userLogout !== undefined) {
      writes.push(
        truth.userLogout
          ? {
              key: this.keys.userLogout(userId),
              value: String(epochSeconds(truth.userLogout.at)),
              until: truth.userLogout.until.getTime(),
              max: true,
            }
          : { key: this.keys.userNoLogout(userId), value: '1', until: now + NOT_ENDED_CACHE_SECONDS * 1000 },
      );
    }
    // Only fill the cache when Redis answered: while it is down there is nothing to fill.
    if (cached) await this.write(writes, false);
    return (
      Boolean(truth.sessionEndedUntil) ||
      (truth.userLogout ? issuedBefore(token.issuedAt, epochSeconds(truth.userLogout.at)) : false)
    );
  }

  /**
   * Ends a session that has no refresh-token family of ours (a Keycloak `sid`): recorded in
   * PostgreSQL, then cached as ended for `seconds` (default: the access-token lifetime plus skew).
   */
  async deny(sessionId: string, seconds = this.localDenySeconds, userId?: string): Promise<void> {
    const endedAt = new Date();
    const expiresAt = new Date(endedAt.getTime() + seconds * 1000);
    await this.endedSessions.endSession(sessionId, userId ?? null, endedAt, expiresAt);
    await this.write([{ key: this.keys.ended(sessionId), value: '1', until: expiresAt.getTime() }], true);
    await this.prune();
  }

  /** Local sessions whose refresh-token families were just revoked (the truth): cache them as ended. */
  async cacheRevokedFamilies(familyIds: readonly string[]): Promise<void> {
    const until = Date.now() + this.localDenySeconds * 1000;
    await this.write(
      familyIds.map((id) => ({ key: this.keys.ended(id), value: '1', until })),
      true,
    );
  }

  /** Refuse every token of the user issued before now (SSO logout that names no session). */
  async denyUserTokensBefore(userId: string, seconds = 24 * 3600): Promise<void> {
    const endedAt = new Date();
    const expiresAt = new Date(endedAt.getTime() + seconds * 1000);
    await this.endedSessions.endUserTokens(userId, endedAt, expiresAt);
    await this.write(
      [
        {
          key: this.keys.userLogout(userId),
          value: String(epochSeconds(endedAt)),
          until: expiresAt.getTime(),
          max: true,
        },
      ],
      true,
    );
    await this.prune();
  }

  private async lookup(
    via: TokenSession['via'],
    sessionId: string | undefined,
    userId: string | undefined,
  ): Promise<Truth> {
    const truth: Truth = {};
    if (via === 'local') {
      if (sessionId === undefined) return truth;
      // Our own tokens carry a family id; anything else cannot be a session of ours.
      if (!UUID.test(sessionId)) return { sessionEndedUntil: new Date(Date.now() + this.localDenySeconds * 1000) };
      const ended = await this.refreshTokens.familyRevoked(sessionId);
      truth.sessionEndedUntil = ended ? new Date(Date.now() + this.localDenySeconds * 1000) : null;
      return truth;
    }
    const row = await this.endedSessions.truthFor(sessionId, userId);
    if (sessionId !== undefined) truth.sessionEndedUntil = row?.sessionUntil ?? null;
    if (userId !== undefined) {
      truth.userLogout =
        row?.userLogoutAt && row.userLogoutUntil ? { at: row.userLogoutAt, until: row.userLogoutUntil } : null;
    }
    return truth;
  }

  /** Deletes a batch of rows whose tokens have all expired. */
  private async prune(): Promise<void> {
    await this.endedSessions
      .pruneExpired(PRUNE_BATCH)
      .catch((error: unknown) => this.logger.warn(`Pruning ended sessions failed: ${String(error)}`));
  }

  /**
   * Writes cache entries. With `keep`, entries that cannot reach Redis now (it is down) are kept
   * and replayed on reconnect: an "ended" that Redis missed must not lose to a cached "not ended".
   */
  private async write(writes: readonly CacheWrite[], keep: boolean): Promise<void> {
    if (writes.length === 0) return;
    const now = Date.now();
    const live = writes.filter((w) => w.until > now);
    const pipeline = this.redis.pipeline();
    for (const w of live) {
      const seconds = Math.max(1, Math.ceil((w.until - now) / 1000));
      if (w.max) pipeline.eval(SET_MAX, 1, w.key, w.value, seconds);
      else pipeline.set(w.key, w.value, 'EX', seconds);
    }
    const results = await this.redisCall(() => pipeline.exec());
    const failed = results ? live.filter((_, i) => results[i]?.[0]) : live;
    if (!keep) return;
    for (const w of failed) {
      if (this.pending.size >= MAX_PENDING_WRITES) this.pending.delete(this.pending.keys().next().value!);
      this.pending.set(w.key, w);
    }
    for (const w of live) if (!failed.includes(w)) this.pending.delete(w.key);
  }

  private readonly replay = (): void => {
    if (this.pending.size === 0) return;
    const writes = [...this.pending.values()];
    this.pending.clear();
    void this.write(writes, true).then(() =>
      this.logger.log(`Replayed ${writes.length - this.pending.size} ended-session cache write(s) to Redis`),
    );
  };

  /** Runs a Redis command; undefined (and PostgreSQL answers instead) when Redis fails. */
  private async redisCall<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await call();
      if (this.redisFailing) {
        this.redisFailing = false;
        this.logger.log('Redis answers again: ended sessions are cached again');
      }
      return result;
    } catch (error) {
      if (!this.redisFailing) {
        this.redisFailing = true;
        this.logger.warn(`Redis failed (${String(error)}): ended sessions are checked in PostgreSQL until it is back`);
      }
      return undefined;
    }
  }
}

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** Whether a token issued at `issuedAt` (seconds) predates a logout at `loggedOutAt` (seconds). */
const issuedBefore = (issuedAt: number | undefined, loggedOutAt: number): boolean => (issuedAt ?? 0) <= loggedOutAt;
