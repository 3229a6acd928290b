/**
 * PostgreSQL `COPY … FROM STDIN` text format: columns separated by tabs, rows by newlines, `\N`
 * for NULL, and backslash, tab, newline and carriage return escaped.
 */
const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export const COPY_NULL = '\\N';

/** One value of a COPY text row; null is `\N`. */
export function copyValue(value: string | number | null): string {
  if (value === null) return COPY_NULL;
  if (typeof value === 'number') return String(value);
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c]!) : value;
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One CSV field (comma-delimited, RFC 4180 quoting when needed). */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A CSV line (without its line break) of `values`. */
export const csvLine = (values: readonly string[]): string => values.map(csvField).join(',');
