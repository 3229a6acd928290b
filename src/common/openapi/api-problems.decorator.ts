import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, statusTitle } from '../errors/problem';
import { FieldErrorDto, ProblemDto } from './problem.dto';

const descriptions: Readonly<Record<number, string>> = {
  400: 'Invalid request: the fields at fault are listed in `errors`',
  401: 'Missing, invalid or expired credentials',
  402: "A limit of the organization's plan is reached (`billing.quota_exceeded`: `limit`, `used`, `max`, `plan`)",
  403: 'Authenticated but not allowed',
  404: 'Not found (or owned by another organization)',
  409: 'Conflicts with the current state',
  413: 'Request body too large',
  422: 'Well-formed but cannot be processed',
  429: 'Too many requests; see Retry-After',
  503: 'A dependency is unavailable',
};

/** Documents the problem+json error responses a route can answer. */
export const ApiProblems = (...statuses: number[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiExtraModels(ProblemDto, FieldErrorDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: descriptions[status] ?? statusTitle(status),
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
