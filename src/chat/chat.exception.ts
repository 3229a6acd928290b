import { DomainException } from '@/common/errors/domain.exception';

export class ConversationNotFound extends DomainException {
  constructor(id?: string) {
    super({
      code: 'conversation.not_found',
      status: 404,
      detail: id === undefined ? 'There is no such conversation.' : `There is no conversation ${id}.`,
    });
  }
}

export class MessageNotFound extends DomainException {
  constructor(id: string) {
    super({ code: 'message.not_found', status: 404, detail: `There is no message ${id} in this conversation.` });
  }
}

/** The action needs a signed-in user (an API key has no inbox, read marker or presence). */
export class ChatUserRequired extends DomainException {
  constructor() {
    super({ code: 'chat.user_required', status: 403, detail: 'This action needs a signed-in user, not an API key.' });
  }
}

/** Viewers read conversations; agents and admins act on them. */
export class ChatActionForbidden extends DomainException {
  constructor() {
    super({ code: 'chat.forbidden', status: 403, detail: 'Only agents and admins act on conversations.' });
  }
}

/** The conversation is not in a state that allows the action (e.g. a bot still owns it). */
export class ConversationStateConflict extends DomainException {
  constructor(detail: string, status: string) {
    super({ code: 'conversation.invalid_state', status: 409, detail, extensions: { status } });
  }
}

/** Hand-back needs a conversation that came from a bot session and is with humans. */
export class ConversationNotFromBot extends DomainException {
  constructor() {
    super({
      code: 'conversation.no_bot_session',
      status: 409,
      detail: 'This conversation has no bot session to hand back to.',
    });
  }
}

export class AssigneeNotAllowed extends DomainException {
  constructor(userId: string) {
    super({
      code: 'conversation.invalid_assignee',
      status: 400,
      detail: `User ${userId} is not an agent or admin of this organization.`,
      errors: [{ field: 'assigneeId', message: 'must be an agent or org_admin member of the organization' }],
    });
  }
}

/** `mentions` names someone outside the organization, or comes with a message that is not a note. */
export class InvalidMentions extends DomainException {
  constructor(message: string) {
    super({
      code: 'request.validation_failed',
      status: 400,
      detail: 'The request has invalid fields.',
      errors: [{ field: 'mentions', message }],
    });
  }
}

export class InvalidSnooze extends DomainException {
  constructor(field = 'snoozedUntil') {
    super({
      code: 'conversation.invalid_snooze',
      status: 400,
      detail: 'A snooze needs a time in the future.',
      errors: [{ field, message: 'must be a time in the future' }],
    });
  }
}

export class DepartmentUnknown extends DomainException {
  constructor(id: string) {
    super({
      code: 'conversation.invalid_department',
      status: 400,
      detail: `There is no department ${id} in this organization.`,
      errors: [{ field: 'departmentId', message: 'must be a department of the organization' }],
    });
  }
}

export class CannedResponseNotFound extends DomainException {
  constructor(id: string) {
    super({ code: 'canned_response.not_found', status: 404, detail: `There is no canned response ${id}.` });
  }
}

export class CannedResponseShortCodeTaken extends DomainException {
  constructor(shortCode: string) {
    super({
      code: 'canned_response.short_code_taken',
      status: 409,
      detail: `The short code "${shortCode}" is already used in this organization.`,
    });
  }
}

/** An agent id in a chat route that is not an agent/admin member of the organization. */
export class AgentNotFound extends DomainException {
  constructor(id: string) {
    super({ code: 'chat.agent_not_found', status: 404, detail: `There is no agent ${id} in this organization.` });
  }
}

export class InvalidCursor extends DomainException {
  constructor() {
    super({
      code: 'request.validation_failed',
      status: 400,
      detail: 'The request has invalid fields.',
      errors: [{ field: 'cursor', message: 'must be the nextCursor of a previous page' }],
    });
  }
}

/** A WhatsApp contact last wrote more than 24 hours ago: Meta accepts only template messages. */
export class WhatsAppWindowClosed extends DomainException {
  constructor() {
    super({
      code: 'whatsapp.window_closed',
      status: 422,
      detail:
        'The contact last wrote more than 24 hours ago: WhatsApp only delivers template messages outside that window.',
    });
  }
}
