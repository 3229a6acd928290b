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
