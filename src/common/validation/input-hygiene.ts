import { type FieldError, ValidationFailed } from '../errors/domain.exception';

/**
 * The input-hygiene layer: what every request must satisfy before Nest's pipes see it, whatever
 * its route. Strings and object keys must be storable (PostgreSQL `text` refuses NUL, and a lone
 * UTF-16 surrogate has no UTF-8 encoding), and JSON must not nest deeper than any document Parley
 * reads (class-transformer and the flow readers recurse). Cheap on the chat hot path: one
 * iterative walk, no reflection.
 */

/** Deepest nesting accepted in a JSON body. Typebot rich text and flow documents stay well below. */
export const MAX_JSON_DEPTH = 64;

// Node 20 has `String.prototype.isWellFormed`; the ES2023 lib does not type it yet.
const isWellFormed = (value: string): boolean => (value as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Why a string cannot be stored, or undefined when it can. */
export function unstorableStringReason(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL (\\u0000) characters';
  if (!isWellFormed(value)) return 'must not contain unpaired UTF-16 surrogates';
  return undefined;
}

const childPath = (parent: string, key: string | number): string =>
  typeof key === 'number' ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key;

interface Pending {
  readonly value: unknown;
  readonly path: string;
  readonly depth: number;
}

/**
 * The first hostile part of a parsed value (JSON body, query, path params), or undefined.
 * Walks iteratively, so a 100,000-deep array cannot overflow the stack. Field paths use dotted
 * names and brackets for array items (`items[2].label`), as validation errors do; `root` names
 * the value itself when it is a bare string.
 */
export function findHostileInput(value: unknown, root = 'body', maxDepth = MAX_JSON_DEPTH): FieldError | undefined {
  const stack: Pending[] = [{ value, path: '', depth: 0 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { path, depth } = next;
    const field = path || root;
    if (typeof next.value === 'string') {
      const reason = unstorableStringReason(next.value);
      if (reason) return { field, message: `${field} ${reason}` };
      continue;
    }
    if (next.value === null || typeof next.value !== 'object') continue;
    if (depth >= maxDepth) return { field, message: `${field} nests deeper than ${maxDepth} levels` };
    if (Array.isArray(next.value)) {
      const items: readonly unknown[] = next.value;
      for (let i = items.length - 1; i >= 0; i--)
        stack.push({ value: items[i], path: childPath(path, i), depth: depth + 1 });
      continue;
    }
    for (const [key, child] of Object.entries(next.value as Record<string, unknown>)) {
      const reason = unstorableStringReason(key);
      // The key itself is not echoed: it is the hostile part.
      if (reason) return { field, message: `a property name in ${field} ${reason}` };
      stack.push({ value: child, path: childPath(path, key), depth: depth + 1 });
    }
  }
  return undefined;
}

/** The parts of a request the layer checks, as Fastify parsed them. */
export interface RequestInputs {
  readonly params?: unknown;
  readonly query?: unknown;
  readonly body?: unknown;
}

/** The first hostile path parameter, query value or body part of a request. */
export function findHostileRequestInput(request: RequestInputs): FieldError | undefined {
  return (
    findHostileInput(request.params ?? {}, 'params') ??
    findHostileInput(request.query ?? {}, 'query') ??
    findHostileInput(request.body, 'body')
  );
}

/**
 * Fastify `preValidation` hook (after body parsing, before Nest's guards and pipes): refuses a
 * hostile request with a 400 problem naming the field, through the global exception filter.
 */
export function inputHygieneHook(request: RequestInputs, _reply: unknown, done: (error?: Error) => void): void {
  const hostile = findHostileRequestInput(request);
  done(hostile ? new ValidationFailed([hostile], 'The request contains values that cannot be accepted.') : undefined);
}
