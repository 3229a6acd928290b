import {
  type ArgumentMetadata,
  ValidationPipe,
  type ValidationError,
  type ValidationPipeOptions,
} from '@nestjs/common';
import { type FieldError, ValidationFailed } from '../errors/domain.exception';

const joinPath = (parent: string, property: string): string => {
  if (!parent) return property;
  return /^\d+$/.test(property) ? `${parent}[${property}]` : `${parent}.${property}`;
};

/** Flattens class-validator's nested error tree into `{field, message}` pairs with dotted paths. */
export function flattenValidationErrors(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = joinPath(parent, error.property);
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return own.concat(flattenValidationErrors(error.children ?? [], field));
  });
}

/**
 * A hand-written acceptance check of a hot DTO: the instance class-transformer would build when
 * the value is certainly valid for the DTO's class-validator rules, else `undefined`. It may refuse
 * more than the rules do (the full check then runs and decides), never less.
 */
export type PrecompiledCheck<T> = (value: unknown) => T | undefined;

const precompiled = new Map<unknown, PrecompiledCheck<unknown>>();

/**
 * Registers the fast path of a body DTO: a valid body costs one plain function call instead of
 * class-transformer and class-validator's metadata walk; anything else goes through the full
 * pipe, so every 400 (codes, fields, messages) is exactly the one the decorators produce.
 */
export function registerPrecompiledCheck<T>(dto: abstract new () => T, check: PrecompiledCheck<T>): void {
  precompiled.set(dto, check);
}

/** The global pipe, with the precompiled checks of hot body DTOs tried first. */
class PrecompiledFirstValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const check = metadata.type === 'body' ? precompiled.get(metadata.metatype) : undefined;
    const accepted = check?.(value);
    return accepted === undefined ? super.transform(value, metadata) : Promise.resolve(accepted);
  }
}

/** The global pipe's options: strip nothing silently, refuse unknown fields, convert types. */
export const validationPipeOptions: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => new ValidationFailed(flattenValidationErrors(errors)),
};

/** The global pipe (the decorators' rules, with the precompiled checks of hot body DTOs first). */
export const createValidationPipe = (): ValidationPipe => new PrecompiledFirstValidationPipe(validationPipeOptions);
