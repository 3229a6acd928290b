import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { randomUUID } from 'node:crypto';
import { postgresDataException } from '@/database/postgres-errors';
import { dependencyErrorOf, DependencyUnavailable } from './dependency-errors';
import { DomainException, type FieldError } from './domain.exception';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem document, as Parley sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId: string;
  errors?: readonly FieldError[];
  errorId?: string;
  [extension: string]: unknown;
}

export interface ProblemWithMeta {
  problem: Problem;
  headers: Readonly<Record<string, string>>;
  /** True when the error is ours (5xx): log it in full. */
  unexpected: boolean;
}

export const problemType = (code: string): string => `urn:parley:problem:${code}`;
export const statusTitle = (status: number): string => STATUS_CODES[status] ?? 'Error';

/** Fastify's own errors (body parsing, limits, content type) carry a code and a status. */
interface FastifyLikeError {
  code: string;
  statusCode: number;
  message: string;
}

const isFastifyError = (error: unknown): error is FastifyLikeError =>
  error instanceof Error &&
  typeof (error as Partial<FastifyLikeError>).code === 'string' &&
  (error as Partial<FastifyLikeError>).code!.startsWith('FST_') &&
  typeof (error as Partial<FastifyLikeError>).statusCode === 'number';

const fastifyCodes: Readonly<Record<string, { code: string; detail?: string }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'request.malformed_json', detail: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'request.malformed_json',
    detail: 'The request body is empty but its content type is application/json.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'request.too_large', detail: 'The request body is larger than allowed.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'request.unsupported_media_type',
    detail: 'The request content type is not supported; send application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'request.invalid_content_length',
    detail: 'The Content-Length header does not match the body.',
  },
  FST_ERR_BAD_URL: { code: 'request.malformed_url', detail: 'The URL has a malformed percent escape.' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'request.uri_too_long', detail: 'A path parameter is longer than allowed.' },
};

const httpCode = (status: number): string =>
  `http.${statusTitle(status)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')}`;

const httpExceptionDetail = (exception: HttpException): string => {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return exception.message;
};

/**
 * Maps any thrown value to a problem document. Pure: the caller sends and logs.
 * Client errors keep their message; anything unexpected becomes a 500 with an `errorId`
 * and no internals.
 */
export function toProblem(thrown: unknown, requestId: string): ProblemWithMeta {
  const dependencyError = dependencyErrorOf(thrown);
  if (dependencyError) return toProblem(dependencyError, requestId);
  // Nest wraps Fastify's client errors (bad JSON, too large...) in an HttpException; use the original.
  const unwrapped = thrown instanceof HttpException && isFastifyError(thrown.cause) ? thrown.cause : thrown;
  // A value PostgreSQL could not store (validation let it through): the client's fault, a 400.
  const error = postgresDataException(unwrapped) ?? unwrapped;
  if (error instanceof DomainException) {
    return {
      problem: {
        ...error.extensions,
        type: problemType(error.code),
        title: statusTitle(error.status),
        status: error.status,
        detail: error.message,
        code: error.code,
        requestId,
        ...(error.errors ? { errors: error.errors } : {}),
      },
      headers: error.headers ?? {},
      // A dependency outage is an operational condition (logged as a warning), not a bug.
      unexpected: error.status >= 500 && !(error instanceof DependencyUnavailable),
    };
  }
  if (error instanceof HttpException && error.getStatus() < 500) {
    const status = error.getStatus();
    const code = status === 404 ? 'route.not_found' : httpCode(status);
    return {
      problem: {
        type: problemType(code),
        title: statusTitle(status),
        status,
        detail: httpExceptionDetail(error),
        code,
        requestId,
      },
      headers: {},
      unexpected: false,
    };
  }
  if (isFastifyError(error) && error.statusCode < 500) {
    const known = fastifyCodes[error.code];
    const code = known?.code ?? httpCode(error.statusCode);
    return {
      problem: {
        type: problemType(code),
        title: statusTitle(error.statusCode),
        status: error.statusCode,
        detail: known?.detail ?? error.message,
        code,
        requestId,
      },
      headers: {},
      unexpected: false,
    };
  }
  const status = error instanceof HttpException ? error.getStatus() : 500;
  const errorId = randomUUID();
  const code = status === 500 ? 'internal.error' : httpCode(status);
  return {
    problem: {
      type: problemType(code),
      title: statusTitle(status),
      status,
      detail:
        status === 500
          ? `An unexpected error occurred. Quote error id ${errorId} when reporting it.`
          : statusTitle(status),
      code,
      requestId,
      errorId,
    },
    headers: {},
    unexpected: true,
  };
}
