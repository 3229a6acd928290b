import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '@/database/base.entity';

/** What is recorded as ended for a token's session and user (the denylist's truth). */
export interface EndedSessionTruth {
  sessionUntil: Date | null;
  userLogoutAt: Date | null;
  userLogoutUntil: Date | null;
}

/**
 * Ended sessions (SSO `sid`s, user-wide logouts) whose access tokens must be refused until they
 * expire: the record that survives Redis. Keyed by session and user, not tenant.
 */
@Injectable()
export class EndedSessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records the session as ended until `expiresAt` (extends, never shortens, an existing record). */
  async endSession(sessionId: string, userId: string | null, endedAt: Date, expiresAt: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ended_sessions (id, session_id, user_id, ended_at, expires_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (session_id) WHERE session_id IS NOT NULL DO UPDATE
         SET expires_at = GREATEST(ended_sessions.expires_at, EXCLUDED.expires_at),
             user_id = COALESCE(ended_sessions.user_id, EXCLUDED.user_id),
             updated_at = now()`,
      [newId(), sessionId, userId, endedAt, expiresAt],
    );
  }

  /** Records that every token of the user issued before `endedAt` is refused until `expiresAt`. */
  async endUserTokens(userId: string, endedAt: Date, expiresAt: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ended_sessions (id, session_id, user_id, ended_at, expires_at) VALUES ($1, NULL, $2, $3, $4)`,
      [newId(), userId, endedAt, expiresAt],
    );
  }

  /** The live records for a session id and/or a user, in one query. */
  async truthFor(sessionId: string | undefined, userId: string | undefined): Promise<EndedSessionTruth | undefined> {
    const [row] = await this.dataSource.query<
      { session_until: Date | null; user_at: Date | null; user_until: Date | null }[]
    >(
      `SELECT
         (SELECT expires_at FROM ended_sessions
           WHERE $1::text IS NOT NULL AND session_id = $1::text AND expires_at > now()) AS session_until,
         (SELECT max(ended_at) FROM ended_sessions
           WHERE $2::uuid IS NOT NULL AND user_id = $2::uuid AND session_id IS NULL AND expires_at > now()) AS user_at,
         (SELECT max(expires_at) FROM ended_sessions
           WHERE $2::uuid IS NOT NULL AND user_id = $2::uuid AND session_id IS NULL AND expires_at > now()) AS user_until`,
      [sessionId ?? null, userId ?? null],
    );
    return row
      ? { sessionUntil: row.session_until, userLogoutAt: row.user_at, userLogoutUntil: row.user_until }
      : undefined;
  }

  /** Deletes up to `batch` rows whose tokens have all expired. */
  async pruneExpired(batch: number): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM ended_sessions
        WHERE id IN (SELECT id FROM ended_sessions WHERE expires_at < now() LIMIT $1)`,
      [batch],
    );
  }
}
