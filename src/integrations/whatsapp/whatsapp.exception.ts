import { DomainException } from '@/common/errors/domain.exception';

export class WhatsAppChannelNotFound extends DomainException {
  constructor(id?: string) {
    super({
      code: 'whatsapp.channel_not_found',
      status: 404,
      detail: id === undefined ? 'There is no such WhatsApp channel.' : `There is no WhatsApp channel ${id}.`,
    });
  }
}

export class WhatsAppPhoneNumberTaken extends DomainException {
  constructor(phoneNumberId: string) {
    super({
      code: 'whatsapp.phone_number_taken',
      status: 409,
      detail: `Phone number id ${phoneNumberId} is already a channel of this organization.`,
    });
  }
}

/** The chatbot that should answer is not one of the organization's. */
export class WhatsAppChatbotNotFound extends DomainException {
  constructor(id: string) {
    super({
      code: 'whatsapp.chatbot_not_found',
      status: 400,
      detail: `There is no chatbot ${id} in this organization.`,
      errors: [{ field: 'chatbotId', message: 'not a chatbot of this organization' }],
    });
  }
}

/** Meta's verification request did not bring the channel's verify token. */
export class WhatsAppVerifyTokenMismatch extends DomainException {
  constructor() {
    super({ code: 'whatsapp.verify_token_mismatch', status: 403, detail: 'The verify token does not match.' });
  }
}

/** `X-Hub-Signature-256` is missing or not the HMAC of the body with the channel's app secret. */
export class WhatsAppSignatureInvalid extends DomainException {
  constructor() {
    super({
      code: 'whatsapp.signature_invalid',
      status: 401,
      detail: 'X-Hub-Signature-256 is missing or does not match the body.',
    });
  }
}
