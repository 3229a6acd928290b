import { DomainException } from '@/common/errors/domain.exception';

/** A Typebot chat API feature Parley does not serve (400, naming it). */
export class TypebotFeatureUnsupported extends DomainException {
  constructor(feature: string, field?: string) {
    const detail = `Parley's Typebot-compatible API does not support ${feature}.`;
    super({
      code: 'typebot.unsupported',
      status: 400,
      detail,
      ...(field ? { errors: [{ field, message: detail }] } : {}),
    });
  }
}

/** What Typebot's server says of a session it does not have (its widget then starts a new one). */
export const TYPEBOT_SESSION_NOT_FOUND = 'Session not found.';

/**
 * 404 `session.not_found` with Typebot's "Session not found." message: how the Typebot-compatible
 * routes answer a session that is over or unknown (the error it replaces is its cause).
 */
export class TypebotSessionNotFound extends DomainException {
  constructor(replaced: DomainException) {
    super({
      code: 'session.not_found',
      status: 404,
      detail: replaced.message,
      extensions: { ...replaced.extensions, message: TYPEBOT_SESSION_NOT_FOUND },
      cause: replaced,
    });
  }
}
