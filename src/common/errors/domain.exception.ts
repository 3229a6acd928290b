export interface FieldError {
  /** Dotted path of the offending field, e.g. `settings.idleTimeout` or `items[2].label`. */
  readonly field: string;
  readonly message: string;
}

export interface DomainExceptionOptions {
  /** Stable, machine-readable code, `<area>.<reason>`, e.g. `chatbot.not_found`. */
  readonly code: string;
  /** HTTP status this error maps to. */
  readonly status: number;
  /** Human-readable explanation for this occurrence. */
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  /** Extra members added to the problem document (e.g. `currentRevision`). */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** Response headers to send with the problem (e.g. `Retry-After`). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly cause?: unknown;
}

/**
 * A coded error thrown by services. The global filter turns it into an RFC 9457 problem;
 * services never throw `HttpException`.
 */
export class DomainException extends Error {
  readonly code: string;
  readonly status: number;
  readonly errors: readonly FieldError[] | undefined;
  readonly extensions: Readonly<Record<string, unknown>> | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(options: DomainExceptionOptions) {
    super(options.detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.status = options.status;
    this.errors = options.errors;
    this.extensions = options.extensions;
    this.headers = options.headers;
  }
}

/** 400: the request is well-formed JSON but its fields are wrong. */
export class ValidationFailed extends DomainException {
  constructor(errors: readonly FieldError[], detail = 'The request has invalid fields.') {
    super({ code: 'request.validation_failed', status: 400, detail, errors });
  }
}

/** 404 for a tenant-owned resource that does not exist or belongs to someone else. */
export class ResourceNotFound extends DomainException {
  constructor(resource: string, id: string) {
    super({
      code: `${resource}.not_found`,
      status: 404,
      detail: `${resource.replace(/_/g, ' ')} ${id} was not found.`,
    });
  }
}
