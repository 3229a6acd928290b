import { DomainException } from '@/common/errors/domain.exception';

const bearerChallenge = (error: string, description: string): Record<string, string> => ({
  'WWW-Authenticate': `Bearer error="${error}", error_description="${description}"`,
});

export class Unauthenticated extends DomainException {
  constructor(code = 'auth.unauthenticated', detail = 'Sign in first: send a bearer token or an API key.') {
    super({ code, status: 401, detail, headers: bearerChallenge('invalid_token', detail) });
  }
}

export class InvalidCredentials extends DomainException {
  constructor() {
    super({ code: 'auth.invalid_credentials', status: 401, detail: 'Email or password is wrong.' });
  }
}

export class Forbidden extends DomainException {
  constructor(code: string, detail: string) {
    super({ code, status: 403, detail });
  }
}

/** 403: the caller is authenticated (e.g. with an API key) but the route is for signed-in users. */
export class UserRequired extends DomainException {
  constructor() {
    super({ code: 'auth.user_required', status: 403, detail: 'This route is for signed-in users.' });
  }
}

/** 400: a password change named the wrong current password. */
export class WrongPassword extends DomainException {
  constructor() {
    super({
      code: 'auth.wrong_password',
      status: 400,
      detail: 'The current password is wrong.',
      errors: [{ field: 'currentPassword', message: 'currentPassword is wrong' }],
    });
  }
}

/** 400: the password reset token is unknown, used, voided or expired. */
export class InvalidResetToken extends DomainException {
  constructor() {
    super({
      code: 'auth.invalid_reset_token',
      status: 400,
      detail: 'This password reset link is invalid or has expired; ask for a new one.',
      errors: [{ field: 'token', message: 'token is invalid or expired' }],
    });
  }
}

/** 429: sign-in throttling (per IP, account and IP, or account). */
export class TooManyAttempts extends DomainException {
  constructor(retryAfterSeconds: number) {
    super({
      code: 'auth.too_many_attempts',
      status: 429,
      detail: `Too many attempts; try again in ${retryAfterSeconds} seconds.`,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}

export class EmailTaken extends DomainException {
  constructor() {
    super({ code: 'auth.email_taken', status: 409, detail: 'An account with this email already exists.' });
  }
}
