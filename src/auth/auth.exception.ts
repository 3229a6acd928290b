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

export class OrganizationRequired extends DomainException {
  constructor() {
    super({
      code: 'organization.required',
      status: 400,
      detail: 'You belong to several organizations: say which one with the X-Organization-Id header.',
      errors: [{ field: 'X-Organization-Id', message: 'required when you belong to several organizations' }],
    });
  }
}

export class EmailTaken extends DomainException {
  constructor() {
    super({ code: 'auth.email_taken', status: 409, detail: 'An account with this email already exists.' });
  }
}
