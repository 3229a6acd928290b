import { Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { ExecutionContext } from '@nestjs/common';
import { TooManyAttempts } from './auth.exception';

/**
 * Throttler names: by client IP (across accounts), by account and IP (a stranger's guesses only
 * block the stranger), and by account from every IP together (a higher ceiling against
 * distributed guessing).
 */
export const THROTTLE_BY_IP = 'ip';
export const THROTTLE_BY_ACCOUNT_AND_IP = 'account-ip';
export const THROTTLE_BY_ACCOUNT = 'account';

/** Sign-in throttling with counters in Redis (shared by all API processes); 429 problem + Retry-After. */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfter = Math.max(1, Math.ceil(detail.timeToBlockExpire || detail.timeToExpire));
    throw new TooManyAttempts(retryAfter);
  }
}
