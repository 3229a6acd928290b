/** A pattern as written in a comparison: `/source/flags` or a bare source. */
export interface RegexSpec {
  source: string;
  flags: string;
}

export function parseRegexLiteral(value: string): RegexSpec {
  const literal = /^\/(.*)\/([a-z]*)$/s.exec(value);
  return literal ? { source: literal[1] ?? '', flags: literal[2] ?? '' } : { source: value, flags: '' };
}

/** The engine's error message when `new RegExp` rejects the pattern, else undefined. */
export function regexSyntaxError({ source, flags }: RegexSpec): string | undefined {
  try {
    new RegExp(source, flags);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

interface GroupFrame {
  /** The group holds a quantifier that can repeat without bound (`*`, `+`, `{n,}`). */
  hasUnboundedRepeat: boolean;
}

const UNBOUNDED_BRACES = /^\{\d*,\}/;
const BOUNDED_BRACES = /^\{\d+(,\d+)?\}/;

/** Length of the quantifier at `i` (0 when none) and whether it repeats without bound. */
function quantifierAt(source: string, i: number): { length: number; unbounded: boolean } {
  const c = source[i];
  if (c === '*' || c === '+') return { length: 1, unbounded: true };
  if (c === '?') return { length: 1, unbounded: false };
  if (c !== '{') return { length: 0, unbounded: false };
  const rest = source.slice(i);
  const unbounded = UNBOUNDED_BRACES.exec(rest);
  if (unbounded) return { length: unbounded[0].length, unbounded: true };
  const bounded = BOUNDED_BRACES.exec(rest);
  return bounded ? { length: bounded[0].length, unbounded: false } : { length: 0, unbounded: false };
}

/** Index just after the character class that starts at `i` (`[...]`). */
function skipCharacterClass(source: string, i: number): number {
  let j = i + 1;
  if (source[j] === ']') j++;
  while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
  return j + 1;
}

/**
 * Heuristic for catastrophic backtracking: a group that repeats without bound and itself contains
 * an unbounded repeat, such as `(a+)+`, `(\w*\s?)*` or `(.*,){2,}`. Such patterns take
 * exponential time on some non-matching inputs. Alternations of overlapping branches (`(a|a)*`)
 * are not detected.
 */
export function hasNestedUnboundedRepeat(source: string): boolean {
  const stack: GroupFrame[] = [{ hasUnboundedRepeat: false }];
  let justClosed: GroupFrame | undefined;
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const top = stack[stack.length - 1] as GroupFrame;
    const quantifier = quantifierAt(source, i);
    if (quantifier.length > 0) {
      if (quantifier.unbounded) {
        if (justClosed?.hasUnboundedRepeat) return true;
        top.hasUnboundedRepeat = true;
      }
      justClosed = undefined;
      i += quantifier.length + (source[i + quantifier.length] === '?' ? 1 : 0);
      continue;
    }
    justClosed = undefined;
    if (c === '\\') {
      i += 2;
    } else if (c === '[') {
      i = skipCharacterClass(source, i);
    } else if (c === '(') {
      stack.push({ hasUnboundedRepeat: false });
      i += 1;
    } else if (c === ')' && stack.length > 1) {
      const closed = stack.pop() as GroupFrame;
      const parent = stack[stack.length - 1] as GroupFrame;
      parent.hasUnboundedRepeat ||= closed.hasUnboundedRepeat;
      justClosed = closed;
      i += 1;
    } else {
      i += 1;
    }
  }
  return false;
}
