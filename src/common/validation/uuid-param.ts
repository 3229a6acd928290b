import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ValidationFailed } from '../errors/domain.exception';

/** `@UuidParam('id')`: a path parameter that must be a UUID (400 problem naming it otherwise). */
export const UuidParam = (name: string): ParameterDecorator =>
  Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () => new ValidationFailed([{ field: name, message: `${name} must be a UUID` }]),
    }),
  );
