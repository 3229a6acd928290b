import { DomainException, type FieldError, ValidationFailed } from '@/common/errors/domain.exception';

export class ConnectionNotFound extends DomainException {
  constructor(id: string) {
    super({ code: 'connection.not_found', status: 404, detail: `There is no connection ${id}.` });
  }
}

export class ConnectionNameTaken extends DomainException {
  constructor(name: string) {
    super({
      code: 'connection.name_taken',
      status: 409,
      detail: `This organization already has a connection named "${name}".`,
      errors: [{ field: 'name', message: 'must be unique in the organization (case-insensitive)' }],
    });
  }
}

/** The settings or secrets do not fit the connection's type. */
export class InvalidConnectionCredentials extends ValidationFailed {
  constructor(errors: readonly FieldError[]) {
    super(errors, 'The settings or secrets do not fit the connection type.');
  }
}
