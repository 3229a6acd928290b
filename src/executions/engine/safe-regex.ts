import safeRegex from 'safe-regex2';
import { hasNestedUnboundedRepeat, parseRegexLiteral } from '@/flows/validation/regex-safety';

/**
 * User-written regular expressions (text input patterns, regex comparisons, `~=` in expressions)
 * run only when they are safe: valid, short, without nested unbounded repeats (the flow
 * validator's check, so what publishes is what runs) and accepted by `safe-regex2`'s star-height
 * analysis; and only against input of bounded length.
 */
export type CompiledRegex = { ok: true; regex: RegExp } | { ok: false; error: string };

const MAX_PATTERN_LENGTH = 1_000;
const CACHE_LIMIT = 500;
const cache = new Map<string, CompiledRegex>();

function compile(source: string, flags: string): CompiledRegex {
  if (source.length > MAX_PATTERN_LENGTH) return { ok: false, error: 'the pattern is too long' };
  // Global and sticky flags make `test` stateful; they never change whether a text matches.
  const cleanFlags = [...new Set(flags.replace(/[gy]/g, ''))].join('');
  let regex: RegExp;
  try {
    regex = new RegExp(source, cleanFlags);
  } catch (e) {
    return { ok: false, error: `invalid pattern: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (hasNestedUnboundedRepeat(source) || !safeRegex(regex)) {
    return { ok: false, error: 'the pattern may take exponential time (nested repeats); it was not run' };
  }
  return { ok: true, regex };
}

export function compileSafeRegex(source: string, flags = ''): CompiledRegex {
  const key = `${flags}/${source}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const compiled = compile(source, flags);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

/** A pattern written `/source/flags` or as a bare source. */
export function compileRegexLiteral(value: string): CompiledRegex {
  const { source, flags } = parseRegexLiteral(value);
  return compileSafeRegex(source, flags);
}

export type RegexTest = { ok: true; matches: boolean } | { ok: false; error: string };

export function testSafeRegex(compiled: CompiledRegex, text: string, maxInputLength: number): RegexTest {
  if (!compiled.ok) return compiled;
  if (text.length > maxInputLength) return { ok: false, error: `the text is longer than ${maxInputLength} characters` };
  return { ok: true, matches: compiled.regex.test(text) };
}
