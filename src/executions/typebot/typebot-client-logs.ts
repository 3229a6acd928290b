import { Injectable } from '@nestjs/common';
import { newId } from '@/database/base.entity';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { ValidationFailed } from '@/common/errors/domain.exception';
import { zodFieldErrors } from '@/flows';
import type { LogStep } from '../engine/engine-types';

/**
 * Typebot's widget reports what failed on its side of a turn (a redirect it could not open, a
 * script that threw) with `POST /api/v2/sessions/{sessionId}/clientLogs`. Parley keeps them in the
 * session's execution log, as `client:log` steps appended to the log of the session's latest turn
 * (the one they follow), so `GET /sessions/{id}/logs` shows them in place. Bounded: a few logs per
 * request, short texts, and a cap per session.
 */

/** Logs accepted in one request, and kept per session. */
export const MAX_CLIENT_LOGS_PER_REQUEST = 10;
export const MAX_CLIENT_LOGS_PER_SESSION = 100;
const MAX_DESCRIPTION = 1_000;
const MAX_DETAIL = 2_000;

const clientLogSchema = z.looseObject({
  status: z.string().max(64),
  description: z.string().max(MAX_DESCRIPTION),
  details: z.unknown().optional(),
  context: z.string().max(MAX_DESCRIPTION).optional(),
});

const clientLogsSchema = z.looseObject({
  clientLogs: z.array(clientLogSchema).max(MAX_CLIENT_LOGS_PER_REQUEST),
});

export type TypebotClientLog = z.infer<typeof clientLogSchema>;

/** The body of a clientLogs request: `{ clientLogs: [{ status, description, details?, context? }] }`. */
export function parseClientLogsRequest(body: unknown): TypebotClientLog[] {
  const parsed = clientLogsSchema.safeParse(body ?? {});
  if (!parsed.success) throw new ValidationFailed(zodFieldErrors(parsed.error));
  return parsed.data.clientLogs;
}

const truncate = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function detailOf(log: TypebotClientLog): string | undefined {
  const parts = [
    log.context,
    log.details === undefined ? undefined : typeof log.details === 'string' ? log.details : JSON.stringify(log.details),
  ].filter((part): part is string => part !== undefined && part !== '');
  return parts.length > 0 ? truncate(parts.join('\n'), MAX_DETAIL) : undefined;
}

/** A client log as an execution-log step: `error` outcome for Typebot's `error` status, else `ok`. */
export function clientLogStep(log: TypebotClientLog, blockId: string | undefined): LogStep {
  const detail = detailOf(log);
  const outcome = log.status.toLowerCase() === 'error' ? 'error' : 'ok';
  return {
    blockId: blockId ?? 'client',
    groupId: null,
    kind: 'client:log',
    outcome,
    error: `${log.status}: ${log.description}`,
    ...(detail !== undefined ? { detail } : {}),
  };
}

@Injectable()
export class TypebotClientLogs {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Appends the logs to the log of the session's latest turn, as long as the session keeps fewer
   * than MAX_CLIENT_LOGS_PER_SESSION of them (the rest are dropped). How many were kept.
   */
  async append(sessionId: string, logs: readonly TypebotClientLog[]): Promise<number> {
    if (logs.length === 0) return 0;
    const [session] = await this.dataSource.query<
      { awaiting: { blockId?: string } | null; kept: number; organization_id: string; turn: number }[]
    >(
      `SELECT s.awaiting, s.organization_id, s.turn,
              (SELECT count(*)::int FROM session_turn_logs l, jsonb_array_elements(l.steps) step
                WHERE l.session_id = s.id AND step->>'kind' = 'client:log') AS kept
         FROM chat_sessions s WHERE s.id = $1`,
      [sessionId],
    );
    if (!session) return 0;
    const room = Math.max(0, MAX_CLIENT_LOGS_PER_SESSION - session.kept);
    const steps = logs.slice(0, room).map((log) => clientLogStep(log, session.awaiting?.blockId));
    if (steps.length === 0) return 0;
    // The log of the session's current turn (a turn that logged nothing has no row yet).
    await this.dataSource.query(
      `INSERT INTO session_turn_logs (id, session_id, organization_id, turn, steps, created_at, updated_at)
       VALUES ($3, $1, $4, $5, $2, now(), now())
       ON CONFLICT (session_id, turn) DO UPDATE SET steps = session_turn_logs.steps || EXCLUDED.steps, updated_at = now()`,
      [sessionId, JSON.stringify(steps), newId(), session.organization_id, session.turn],
    );
    return steps.length;
  }
}
