import { compileExpression } from 'filtrex';
import { compileSafeRegex } from './safe-regex';
import type { VariableScope } from './values/variable-store';
import { guessTyped, isEmptyValue, printValue } from './values/variable-values';

/**
 * Safe expressions (filtrex: no `eval`, no access outside the data given). `{{Name}}` binds the
 * variable's value with its type guessed (`{{Score}} + 1` adds); variables may also be named
 * directly (`Score + 1`, `'Lead score' * 2`), and `a.b` reads inside objects. Strings are
 * double-quoted; `and`, `or`, `not`, `if … then … else …`, `x in (a, b)` and the helpers below
 * are available. `~=` tests a regular expression, only when it is safe.
 */
export type Evaluation = { ok: true; value: unknown } | { ok: false; error: string };

const MAX_EXPRESSION_LENGTH = 10_000;
const MAX_REGEX_INPUT = 10_000;
const CACHE_LIMIT = 1_000;

const text = (v: unknown): string => printValue(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : isEmptyValue(v) ? [] : [v]);

/** The helper functions expressions may call, on top of filtrex's math built-ins. */
export const EXPRESSION_HELPERS: Record<string, (...args: unknown[]) => unknown> = {
  lower: (v) => text(v).toLowerCase(),
  upper: (v) => text(v).toUpperCase(),
  trim: (v) => text(v).trim(),
  len: (v) => (Array.isArray(v) ? v.length : text(v).length),
  str: (v) => text(v),
  num: (v) => {
    const n = typeof v === 'number' ? v : Number(text(v).trim().replace(',', '.'));
    return Number.isFinite(n) ? n : null;
  },
  concat: (...values) => values.map(text).join(''),
  join: (v, sep) =>
    list(v)
      .map(text)
      .join(sep === undefined ? ', ' : text(sep)),
  contains: (haystack, needle) =>
    Array.isArray(haystack)
      ? haystack.some((item) => text(item) === text(needle))
      : text(haystack).includes(text(needle)),
  startsWith: (v, prefix) => text(v).startsWith(text(prefix)),
  endsWith: (v, suffix) => text(v).endsWith(text(suffix)),
  replace: (v, search, replacement) => text(v).split(text(search)).join(text(replacement)),
  first: (v) => list(v)[0] ?? null,
  last: (v) => list(v).at(-1) ?? null,
  coalesce: (...values) => values.find((v) => !isEmptyValue(v)) ?? null,
};

function regexMatch(value: unknown, pattern: unknown): boolean {
  const subject = text(value);
  const compiled = compileSafeRegex(text(pattern));
  return compiled.ok && subject.length <= MAX_REGEX_INPUT && compiled.regex.test(subject);
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Own properties of plain data only (filtrex's own dot-access helper reaches `constructor`). */
function ownProperty(value: unknown, key: string): unknown {
  if (FORBIDDEN_KEYS.has(key) || typeof value !== 'object' || value === null) return undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/** Resolves a name: `a.b.c` reads inside objects unless the name is single-quoted; missing is undefined. */
function readProperty(name: string, _get: unknown, data: unknown, type: 'unescaped' | 'single-quoted'): unknown {
  const parts = type === 'single-quoted' ? [name] : name.split('.');
  return parts.reduce<unknown>((value, key) => ownProperty(value, key), data);
}

type Compiled = (data: unknown) => unknown;
const compiledCache = new Map<string, Compiled | Error>();

function compileCached(expression: string): Compiled | Error {
  const cached = compiledCache.get(expression);
  if (cached) return cached;
  let compiled: Compiled | Error;
  try {
    compiled = compileExpression(expression, {
      extraFunctions: EXPRESSION_HELPERS,
      constants: { true: true, false: false, null: null },
      customProp: readProperty,
      operators: { '~=': regexMatch, '==': (a, b) => a === b, '!=': (a, b) => a !== b },
    }) as Compiled;
  } catch (e) {
    compiled = e instanceof Error ? e : new Error(String(e));
  }
  if (compiledCache.size >= CACHE_LIMIT) compiledCache.clear();
  compiledCache.set(expression, compiled);
  return compiled;
}

const PLACEHOLDER = /\{\{([^{}]+)\}\}/g;

/** Replaces `{{Name}}` with a quoted symbol bound to that variable's typed value. */
function bindPlaceholders(expression: string, scope: VariableScope): { source: string; bound: Map<string, unknown> } {
  const bound = new Map<string, unknown>();
  const names: string[] = [];
  const source = expression.replace(PLACEHOLDER, (_, inner: string) => {
    const name = inner.trim();
    let at = names.indexOf(name);
    if (at === -1) {
      at = names.push(name) - 1;
      bound.set(`__var${at}`, guessTyped(scope.getByName(name)));
    }
    return `'__var${at}'`;
  });
  return { source, bound };
}

function dataFor(scope: VariableScope, bound: Map<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(scope.named())) data[name] = guessTyped(value);
  for (const [name, value] of bound) data[name] = value;
  return data;
}

/** Evaluates an expression; fails (never throws) on syntax errors, unknown names or type errors. */
export function evaluateExpression(expression: string, scope: VariableScope): Evaluation {
  if (expression.trim() === '') return { ok: false, error: 'empty expression' };
  if (expression.length > MAX_EXPRESSION_LENGTH) return { ok: false, error: 'expression too long' };
  const { source, bound } = bindPlaceholders(expression, scope);
  const compiled = compileCached(source);
  if (compiled instanceof Error) return { ok: false, error: compiled.message.split('\n')[0] ?? 'syntax error' };
  const value = compiled(dataFor(scope, bound));
  if (value instanceof Error) return { ok: false, error: value.message };
  if (value === undefined || value === null) return { ok: false, error: 'the expression has no value' };
  if (typeof value === 'number' && !Number.isFinite(value)) return { ok: false, error: 'not a finite number' };
  return { ok: true, value };
}

/** Text the author clearly meant literally, which an expression would mangle (`2024-01-31` - 30). */
const LITERAL_TEXT = [/^0\d+$/, /^\+\d/, /^\d{4}-\d{2}-\d{2}/, /^\d{1,2}:\d{2}/];

export function looksLikeLiteralText(expression: string): boolean {
  const trimmed = expression.trim();
  return LITERAL_TEXT.some((re) => re.test(trimmed));
}
