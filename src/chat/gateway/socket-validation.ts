import { Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DomainException, type FieldError } from '@/common/errors/domain.exception';
import { dependencyErrorOf } from '@/common/errors/dependency-errors';
import { flattenValidationErrors } from '@/common/validation/validation';
import type { Ack, SocketError } from './socket-events';

/** A socket payload that does not match its DTO: `request.invalid` with the offending fields. */
export class SocketPayloadInvalid extends DomainException {
  constructor(fields: readonly FieldError[]) {
    super({ code: 'request.invalid', status: 400, detail: 'The payload has invalid fields.', errors: fields });
  }
}

type Constructor<T> = new () => T;

/**
 * Validates a socket payload like the global pipe validates REST bodies (unknown fields refused,
 * types checked by class-validator); a missing payload counts as `{}`. Throws `SocketPayloadInvalid`.
 */
export async function validatePayload<T extends object>(dto: Constructor<T>, payload: unknown): Promise<T> {
  const plain = payload === undefined || payload === null ? {} : payload;
  if (typeof plain !== 'object' || Array.isArray(plain)) {
    throw new SocketPayloadInvalid([{ field: '', message: 'the payload must be an object' }]);
  }
  const instance = plainToInstance(dto, plain);
  const errors = await validate(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) throw new SocketPayloadInvalid(flattenValidationErrors(errors));
  return instance;
}

/** For events that carry nothing (`typing.start` on `/visitor`): nothing, or an empty object. */
export function validateEmpty(payload: unknown): void {
  if (payload === undefined || payload === null) return;
  if (typeof payload !== 'object' || Array.isArray(payload)) {
    throw new SocketPayloadInvalid([{ field: '', message: 'the payload must be an object' }]);
  }
  const fields = Object.keys(payload).map((field) => ({ field, message: `property ${field} should not exist` }));
  if (fields.length > 0) throw new SocketPayloadInvalid(fields);
}

const logger = new Logger('SocketHandlers');

/** What a socket is told about a failure: domain errors by their code, anything else as `internal.error`. */
export function socketErrorOf(error: unknown): SocketError {
  const known = error instanceof DomainException ? error : dependencyErrorOf(error);
  if (known) {
    return {
      code: known.code,
      message: known.message,
      ...(known.errors && known.errors.length > 0 ? { fields: known.errors } : {}),
    };
  }
  logger.error(`A socket handler failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return { code: 'internal.error', message: 'Something went wrong; try again.' };
}

/** An error carrying `{ code, message }` as Socket.IO's connect-error `data`. */
export function connectError(error: unknown): Error & { data: SocketError } {
  const data = socketErrorOf(error);
  return Object.assign(new Error(data.message), { data });
}

/**
 * Runs a handler and answers its ack: `{ ok: true, …result }` or `{ ok: false, error }`. With no ack
 * callback a failure is emitted as `error` instead (the socket stays connected either way).
 */
export function answer<T extends object>(
  ack: unknown,
  emitError: (error: SocketError) => void,
  work: () => Promise<T> | T,
): void {
  const reply = typeof ack === 'function' ? (ack as (a: Ack<T>) => void) : undefined;
  Promise.resolve()
    .then(work)
    .then(
      (result) => reply?.({ ok: true, ...result }),
      (error: unknown) => {
        const e = socketErrorOf(error);
        if (reply) reply({ ok: false, error: e });
        else emitError(e);
      },
    );
}
