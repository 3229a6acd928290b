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
