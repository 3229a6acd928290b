/**
 * Stable codes for why an effect failed, for logs and metrics (the engine only sees `error`).
 * The runners never throw for a failed effect: they answer an `EffectOutcome`.
 */
export const EFFECT_ERROR_CODES = [
  /** The URL is not an absolute http(s) URL, or a header is not a valid HTTP header. */
  'effect.invalid_request',
  /** The host resolves to (or redirects to) an address in a refused range. */
  'effect.address_refused',
  /** The host name does not resolve. */
  'effect.dns_failed',
  /** Connection refused or reset, TLS failure, or another network error. */
  'effect.network_error',
  /** No complete answer within the effect's timeout. */
  'effect.timeout',
  /** The caller's signal aborted the effect (shutdown, request gone). */
  'effect.cancelled',
  /** The answer is larger than the configured maximum. */
  'effect.response_too_large',
  /** More redirects than allowed, or a redirect to a non-http(s) URL. */
  'effect.redirect_refused',
  /** The server answered with a non-2xx status (after the retries). */
  'effect.http_status',
  /** No OpenAI API key is configured (or the block's connection does not exist). */
  'effect.not_configured',
  /** OpenAI (or the compatible server) answered with an error, or an unusable answer. */
  'effect.upstream_error',
  /** A generated file (speech) could not be stored (`STORAGE_DRIVER`). */
  'effect.storage_failed',
  /** Billing refused an AI call: the plan's AI quota for the period is used up. */
  'billing.quota_exceeded',
  /** Billing refused an AI call: the organization's monthly AI budget is spent. */
  'billing.ai_budget_exhausted',
] as const;
export type EffectErrorCode = (typeof EFFECT_ERROR_CODES)[number];

/**
 * What running an effect gave. `outcome`, `data` and `error` are what the service feeds back to the
 * engine as an `effectResult` input; `durationMs`, `attempts` and `errorCode` are for the execution log.
 */
export interface EffectOutcome {
  outcome: 'ok' | 'error';
  data?: unknown;
  error?: string;
  /** Set when `outcome` is `error`. */
  errorCode?: EffectErrorCode;
  /** Wall time of the whole effect, retries and waits included. */
  durationMs: number;
  /** Attempts started (1 + retries made); 0 when the effect was refused before any (invalid URL, not configured). */
  attempts: number;
}

/** A failure inside a runner, turned into an `EffectOutcome` at its edge. */
export class EffectFailure extends Error {
  constructor(
    readonly code: EffectErrorCode,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'EffectFailure';
  }
}
