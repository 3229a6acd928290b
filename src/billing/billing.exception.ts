import { DomainException } from '@/common/errors/domain.exception';
import type { QuotaRefusal, UsageLimit } from './billing.contracts';

const limitNames: Readonly<Record<UsageLimit, string>> = {
  members: 'members',
  chatbots: 'chatbots',
  sessions: 'sessions this period',
  messages: 'messages this period',
  ai_tokens: 'AI tokens this period',
  whatsapp_numbers: 'WhatsApp numbers',
  contacts: 'contacts',
  transcription_minutes: 'transcription minutes this period',
};

/** 402: the action would pass a hard limit of the organization's plan. */
export class QuotaExceeded extends DomainException implements QuotaRefusal {
  declare readonly code: 'billing.quota_exceeded';

  constructor(
    readonly limit: UsageLimit,
    readonly used: number,
    readonly max: number,
    readonly plan: string,
    /** The bot's answer on the public chat APIs instead of this error (not part of the problem). */
    readonly unavailableMessage: string,
  ) {
    super({
      code: 'billing.quota_exceeded',
      status: 402,
      detail: `The ${plan} plan allows ${max} ${limitNames[limit]} (${limit}); ${used} are used.`,
      extensions: { limit, used, max, plan },
    });
  }
}

export class PlanNotFound extends DomainException {
  constructor(code: string) {
    super({ code: 'billing.plan_not_found', status: 404, detail: `There is no plan ${code}.` });
  }
}

/** 409: the organization uses more than the plan it asked for allows. */
export class DowngradeExceedsLimits extends DomainException {
  constructor(plan: string, exceeded: readonly { limit: UsageLimit; used: number; max: number }[]) {
    super({
      code: 'billing.downgrade_exceeds_limits',
      status: 409,
      detail:
        `The ${plan} plan allows less than the organization uses: ` +
        exceeded.map((e) => `${e.limit} ${e.used} of ${e.max}`).join(', ') +
        '. Reduce the usage first (or wait for the next period for period limits).',
      extensions: { plan, limits: exceeded },
    });
  }
}

/** 409: the plan exists but is not offered any more. */
export class PlanNotAvailable extends DomainException {
  constructor(plan: string) {
    super({ code: 'billing.plan_not_available', status: 409, detail: `The ${plan} plan is not offered.` });
  }
}

/** 409: a change of a subscription that is canceled (or about to be) that makes no sense. */
export class SubscriptionStateConflict extends DomainException {
  constructor(detail: string) {
    super({ code: 'billing.subscription_conflict', status: 409, detail });
  }
}
