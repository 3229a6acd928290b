import { DomainException } from '@/common/errors/domain.exception';

export class BotNotAvailable extends DomainException {
  /** Without a public id: the bot of a running session (its organization is suspended, or it is gone). */
  constructor(publicId?: string) {
    super({
      code: 'bot.not_found',
      status: 404,
      detail: publicId === undefined ? 'This bot is not available.' : `No published bot ${publicId}.`,
    });
  }
}

export class OriginNotAllowed extends DomainException {
  constructor(origin: string) {
    super({ code: 'bot.origin_not_allowed', status: 403, detail: `This bot cannot be embedded on ${origin}.` });
  }
}

export class SessionNotFound extends DomainException {
  constructor() {
    super({
      code: 'session.not_found',
      status: 404,
      detail: 'There is no such session (or the token does not match).',
    });
  }
}

export class SessionExpired extends DomainException {
  constructor() {
    super({ code: 'session.expired', status: 404, detail: 'This session has expired; start a new one.' });
  }
}

export class SessionEnded extends DomainException {
  constructor(status: string) {
    super({
      code: 'session.ended',
      status: 409,
      detail: `This conversation is over (${status}); start a new one.`,
      extensions: { sessionStatus: status },
    });
  }
}

export class SessionBusy extends DomainException {
  constructor(detail = 'Another message of this session is being processed; retry.') {
    super({ code: 'session.busy', status: 409, detail, headers: { 'Retry-After': '1' } });
  }
}

/** More messages of one session wait than the server queues (SESSION_TURN_QUEUE_LIMIT). */
export class SessionQueueFull extends DomainException {
  constructor() {
    super({
      code: 'session.busy',
      status: 429,
      detail: 'Too many messages of this session are waiting to be processed; retry shortly.',
      headers: { 'Retry-After': '1' },
    });
  }
}

export class InvalidReply extends DomainException {
  constructor(detail: string, field = 'text') {
    super({ code: 'session.invalid_input', status: 400, detail, errors: [{ field, message: detail }] });
  }
}

export type VisitorLimitScope = 'ip' | 'bot' | 'session';

const limitedWhat: Record<VisitorLimitScope, string> = {
  ip: 'from your network',
  bot: 'for this bot',
  session: 'in this conversation',
};

/** 429: a visitor rate limit (per client IP, bot or session) was reached. */
export class VisitorRateLimited extends DomainException {
  constructor(scope: VisitorLimitScope, retryAfterSeconds: number) {
    super({
      code: 'chat.rate_limited',
      status: 429,
      detail: `Too many requests ${limitedWhat[scope]}; try again in ${retryAfterSeconds} seconds.`,
      extensions: { limit: scope },
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}

/** Hand-back needs a conversation a human owns (the bot handed it over). */
export class NotHandedOff extends DomainException {
  constructor() {
    super({
      code: 'conversation.not_handed_off',
      status: 409,
      detail: 'The bot does not own this conversation back: it was not handed over to a human, or it has ended.',
    });
  }
}

/** Hand-back without a group, for a session that does not know where its bot stopped. */
export class HandBackPositionUnknown extends DomainException {
  constructor() {
    super({
      code: 'conversation.handback_group_required',
      status: 400,
      detail: 'Where the bot stopped is not known for this conversation: choose the group to resume at.',
      errors: [{ field: 'groupId', message: 'required for this conversation' }],
    });
  }
}
