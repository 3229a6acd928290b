import type { z } from 'zod';

/** A field at fault in a rejected document, as the API reports it (problem+json `errors`). */
export interface FieldError {
  field: string;
  message: string;
}

/** Dotted path of a zod issue (`groups.0.blocks.2.options.url`); the document root is `(root)`. */
export function issuePath(path: readonly PropertyKey[], prefix?: string): string {
  const parts = [...(prefix ? [prefix] : []), ...path.map((p) => String(p))];
  return parts.length > 0 ? parts.join('.') : '(root)';
}

export function zodFieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => ({ field: issuePath(issue.path, prefix), message: issue.message }));
}
