/** What one delivery attempt came to, from the sender's answer. */
export type AttemptVerdict =
  | { kind: 'succeeded' }
  /** Worth another attempt: network errors, timeouts, 408, 429, 5xx (`retryAfterMs` from the answer). */
  | { kind: 'retry'; retryAfterMs?: number }
  /** Never retried: other 4xx (and 1xx/3xx: redirects are not followed), a refused address. */
  | { kind: 'give_up' };

export function verdictOf(status: number | undefined, retryableError: boolean, retryAfterMs?: number): AttemptVerdict {
  if (status === undefined) return retryableError ? { kind: 'retry' } : { kind: 'give_up' };
  if (status >= 200 && status < 300) return { kind: 'succeeded' };
  if (status === 408 || status === 429 || status >= 500) {
    return retryAfterMs === undefined ? { kind: 'retry' } : { kind: 'retry', retryAfterMs };
  }
  return { kind: 'give_up' };
}

export interface BackoffSettings {
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * The wait before attempt `attempt + 1` after `attempt` failed (1-based): exponential from `baseMs`
 * with "full jitter" over its upper half (`[d/2, d]`, `d = min(max, base·2^(attempt-1))`), or the
 * server's `Retry-After` when it asked for one, capped at `maxMs` either way.
 */
export function retryDelayMs(
  attempt: number,
  { baseMs, maxMs }: BackoffSettings,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, 0), maxMs);
  const delay = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 40));
  return Math.round(delay / 2 + (random() * delay) / 2);
}

/** Thrown by the deliver job for a retryable failure; the queue's backoff strategy waits `delayMs`. */
export class RetryDeliveryError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'RetryDeliveryError';
  }
}

/** BullMQ's custom backoff (`backoff: { type: 'webhook' }`): the delay the job computed and stored. */
export const webhookBackoffStrategy = (_attemptsMade: number, _type?: string, err?: Error): number =>
  err instanceof RetryDeliveryError ? err.delayMs : 1_000;
