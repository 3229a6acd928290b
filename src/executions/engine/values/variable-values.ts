import type { VariableType, VariableValue } from '@/flows';

type Scalar = string | number | boolean;

const isScalar = (v: unknown): v is Scalar =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Turns any JSON-like value (an HTTP response field, an expression result) into a value a variable
 * can hold: null and undefined unset it; lists keep scalars and JSON-print anything else.
 */
export function toVariableValue(value: unknown): VariableValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (isScalar(value)) return value;
  if (typeof value === 'number') return undefined;
  if (Array.isArray(value)) {
    return value.flatMap((item: unknown): Scalar[] => {
      if (item === null || item === undefined) return [];
      return isScalar(item) ? [item] : [JSON.stringify(item)];
    });
  }
  if (isPlainObject(value)) return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  return undefined;
}

/** How a value prints in a template: text as is, lists and objects as JSON, unset as empty. */
export function printValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

/** True for unset values, blank text and empty lists. */
export function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

const NUMBER_TEXT = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A number written as text; `+1`, leading-zero codes such as `007` and blanks are not numbers. */
export function parseNumberText(text: string): number | undefined {
  const trimmed = text.trim();
  if (!NUMBER_TEXT.test(trimmed)) return undefined;
  if (/^-?0\d/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The value with its type guessed, as Typebot binds variables in code: numeric text becomes a
 * number, `true`/`false` booleans, JSON lists and objects are parsed.
 */
export function guessTyped(value: VariableValue | undefined): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  const n = parseNumberText(trimmed);
  if (n !== undefined) return n;
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  if (/^[[{]/.test(trimmed)) {
    const parsed = parseJson(trimmed);
    if (Array.isArray(parsed) || isPlainObject(parsed)) return parsed;
  }
  return value;
}

function toBoolean(value: VariableValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value !== 'string') return undefined;
  const t = value.trim().toLowerCase();
  if (['true', 'yes', '1', 'on'].includes(t)) return true;
  if (['false', 'no', '0', 'off', ''].includes(t)) return false;
  return undefined;
}

function toList(value: VariableValue): VariableValue {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    const parsed = /^\s*\[/.test(value) ? toVariableValue(parseJson(value)) : undefined;
    if (Array.isArray(parsed)) return parsed;
    return value === '' ? [] : [value];
  }
  if (isScalar(value)) return [value];
  return [JSON.stringify(value)];
}

function toObject(value: VariableValue): VariableValue {
  if (isPlainObject(value)) return value;
  if (typeof value === 'string') {
    const parsed = parseJson(value);
    if (isPlainObject(parsed)) return parsed;
  }
  return value;
}

/**
 * Coerces a value to the variable's declared type. When it does not fit (text that is not a
 * number saved in a `number` variable) the value is kept as it is rather than lost.
 */
export function coerceToType(value: VariableValue, type: VariableType): VariableValue {
  switch (type) {
    case 'string':
      return Array.isArray(value) ? value.map(printValue).join(', ') : printValue(value);
    case 'number': {
      if (typeof value === 'number') return value;
      const n = typeof value === 'string' ? Number(value.trim()) : NaN;
      return typeof value === 'string' && value.trim() !== '' && Number.isFinite(n) ? n : value;
    }
    case 'boolean':
      return toBoolean(value) ?? value;
    case 'list':
      return toList(value);
    case 'object':
      return toObject(value);
  }
}

/** Items of a value read as a list: the list itself, or one item (none when unset). */
export function asItems(value: VariableValue | undefined): Scalar[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  if (isScalar(value)) return [value];
  return [JSON.stringify(value)];
}
