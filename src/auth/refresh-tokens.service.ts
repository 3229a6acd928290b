import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { newId } from '@/database/base.entity';
import { type AppConfig, InjectConfig } from '@/config';
import { Unauthenticated } from './auth.exception';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { SessionDenylist } from './session-denylist.service';
import { hashToken, newOpaqueToken } from '@/common/crypto/tokens';

export interface ClientMeta {
  readonly ip: string | undefined;
  readonly userAgent: string | undefined;
}

export interface Rotated {
  readonly userId: string;
  readonly familyId: string;
  readonly refreshToken: string;
}

type RotateOutcome = { ok: true; rotated: Rotated } | { ok: false; error: Unauthenticated };

/**
 * Opaque refresh tokens, stored hashed, rotated on every use, with reuse detection: a token used
 * twice revokes its whole family and the family's session (RFC 9700 §4.14.2).
 */
@Injectable()
export class RefreshTokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    private readonly denylist: SessionDenylist,
    private readonly tokens: RefreshTokensRepository,
  ) {}

  /** Starts a new family (a sign-in); returns the family id (the session id) and the token. */
  async startFamily(
    userId: string,
    meta: ClientMeta,
    em?: EntityManager,
  ): Promise<{ familyId: string; token: string }> {
    const familyId = newId();
    return { familyId, token: await this.issue(userId, familyId, meta, em) };
  }

  private async issue(userId: string, familyId: string, meta: ClientMeta, em?: EntityManager): Promise<string> {
    const token = newOpaqueToken('rt_');
    await this.tokens.insert(
      {
        userId,
        familyId,
        tokenHash: hashToken(token),
        expiresAt: new Date(Date.now() + this.config.auth.refreshTokenTtlSeconds * 1000),
        ip: meta.ip?.slice(0, 64) ?? null,
        userAgent: meta.userAgent?.slice(0, 512) ?? null,
      },
      em,
    );
    return token;
  }

  async rotate(token: string, meta: ClientMeta): Promise<Rotated> {
    const outcome = await this.dataSource.transaction(async (em): Promise<RotateOutcome> => {
      const row = await this.tokens.findByHashForUpdate(hashToken(token), em);
      if (!row)
        return { ok: false, error: new Unauthenticated('auth.invalid_refresh_token', 'Unknown refresh token.') };
      if (row.revokedAt) {
        return { ok: false, error: new Unauthenticated('auth.refresh_token_revoked', 'This session was ended.') };
      }
      if (row.usedAt) {
        // Someone presented a token that was already exchanged: assume theft, end the session.
        await this.revokeFamilies([row.familyId], 'reuse_detected', em);
        return {
          ok: false,
          error: new Unauthenticated(
            'auth.refresh_token_reused',
            'This refresh token was already used; the session has been ended for safety. Sign in again.',
          ),
        };
      }
      if (row.expiresAt <= new Date()) {
        return { ok: false, error: new Unauthenticated('auth.refresh_token_expired', 'The session has expired.') };
      }
      await this.tokens.markUsed(row.id, em);
      const next = await this.issue(row.userId, row.familyId, meta, em);
      return { ok: true, rotated: { userId: row.userId, familyId: row.familyId, refreshToken: next } };
    });
    if (!outcome.ok) throw outcome.error;
    return outcome.rotated;
  }

  /** Ends sessions: their refresh tokens stop working and their access tokens are denied. */
  async revokeFamilies(familyIds: readonly string[], reason: string, em?: EntityManager): Promise<void> {
    if (familyIds.length === 0) return;
    await this.tokens.revokeFamilies(familyIds, reason, em);
    // The rows above are the record (they survive Redis); the cache makes every process see it now.
    await this.denylist.cacheRevokedFamilies(familyIds);
  }

  /** Ends every session of the user except `keepFamilyId` (change password, reset). */
  async revokeUserSessions(userId: string, reason: string, keepFamilyId?: string, em?: EntityManager): Promise<void> {
    await this.revokeFamilies(await this.tokens.activeFamilyIds(userId, keepFamilyId, em), reason, em);
  }
}
