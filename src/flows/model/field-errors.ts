import type { z } from 'zod';

/** A field at fault in a rejected document, as the API reports it (problem+json `errors`). */
export interface FieldError {
  field: string;
  message: string;
}

/** Dotted path of a zod issue, as flow problems report it (`groups.0.blocks.2.options.url`). */
export function issuePath(path: readonly PropertyKey[], prefix?: string): string {
  const parts = [...(prefix ? [prefix] : []), ...path.map((p) => String(p))];
  return parts.length > 0 ? parts.join('.') : '(root)';
}

/**
 * The same path in the API's field notation for 400 errors, as DTO validation reports them:
 * `flow.groups[0].blocks[2].options.url`.
 */
export function fieldPath(path: readonly PropertyKey[], prefix?: string): string {
  const joined = path.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)),
    prefix ?? '',
  );
  return joined || '(root)';
}

export function zodFieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => ({ field: fieldPath(issue.path, prefix), message: issue.message }));
}
