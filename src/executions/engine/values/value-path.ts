import { isPlainObject } from './variable-values';

/**
 * A small, safe reader of response paths such as `data.items[0].name`, `data["full name"]`,
 * `statusCode`, or Typebot's `data.genres.map(item => item.id)` / `.flatMap(…)`. Only own
 * properties are read (never `__proto__`, `constructor` or `prototype`); nothing is evaluated.
 */
export type PathSegment = { kind: 'key'; key: string } | { kind: 'map'; flat: boolean; path: PathSegment[] };

export type PathRead = { ok: true; value: unknown } | { ok: false; error: string };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const IDENT = /^[A-Za-z_$][\w$]*/;
const INDEX = /^\[\s*(\d+)\s*\]/;
const QUOTED = /^\[\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\]/;
const MAP_CALL = /^\.(map|flatMap)\(\s*\(?\s*([A-Za-z_$][\w$]*)\s*\)?\s*=>\s*([^()]*)\)/;
const MAX_PATH_LENGTH = 1_000;

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

function mapSegment(match: RegExpExecArray): PathSegment | undefined {
  const [, fn, param = '', body = ''] = match;
  const trimmed = body.trim();
  if (trimmed !== param && !trimmed.startsWith(`${param}.`) && !trimmed.startsWith(`${param}[`)) return undefined;
  const inner = parsePath(trimmed.slice(param.length));
  return inner ? { kind: 'map', flat: fn === 'flatMap', path: inner } : undefined;
}

function nextSegment(rest: string, first: boolean): [PathSegment, number] | undefined {
  const map = MAP_CALL.exec(rest);
  if (map) {
    const segment = mapSegment(map);
    return segment ? [segment, map[0].length] : undefined;
  }
  const dotted = first ? IDENT.exec(rest) : rest.startsWith('.') ? IDENT.exec(rest.slice(1)) : null;
  if (dotted) return [{ kind: 'key', key: dotted[0] }, dotted[0].length + (first ? 0 : 1)];
  const index = INDEX.exec(rest);
  if (index) return [{ kind: 'key', key: index[1] ?? '' }, index[0].length];
  const quoted = QUOTED.exec(rest);
  if (quoted) return [{ kind: 'key', key: unescape(quoted[1] ?? quoted[2] ?? '') }, quoted[0].length];
  return undefined;
}

/** Parses a path into segments; undefined when it is not a plain path. */
export function parsePath(path: string): PathSegment[] | undefined {
  const text = path.trim();
  if (text.length > MAX_PATH_LENGTH) return undefined;
  const segments: PathSegment[] = [];
  let rest = text;
  while (rest.length > 0) {
    const next = nextSegment(rest, segments.length === 0 && !text.startsWith('.') && !text.startsWith('['));
    if (!next) return undefined;
    segments.push(next[0]);
    rest = rest.slice(next[1]).trimStart();
  }
  return segments;
}

function readKey(value: unknown, key: string): unknown {
  if (FORBIDDEN_KEYS.has(key)) return undefined;
  if (Array.isArray(value)) {
    if (key === 'length') return value.length;
    return /^\d+$/.test(key) ? (value[Number(key)] as unknown) : undefined;
  }
  if (typeof value === 'string' && key === 'length') return value.length;
  return isPlainObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

function readSegments(value: unknown, segments: readonly PathSegment[]): unknown {
  let current = value;
  for (const [i, segment] of segments.entries()) {
    if (segment.kind === 'key') {
      current = readKey(current, segment.key);
      continue;
    }
    if (!Array.isArray(current)) return undefined;
    const mapped = current.map((item: unknown) => readSegments(item, segment.path));
    const items = segment.flat ? mapped.flat() : mapped;
    return readSegments(items, segments.slice(i + 1));
  }
  return current;
}

/** Reads `path` in `root`; an empty path reads the root itself. */
export function readPath(root: unknown, path: string): PathRead {
  const segments = parsePath(path);
  if (!segments) return { ok: false, error: `"${path}" is not a supported path (use data.items[0].name)` };
  return { ok: true, value: readSegments(root, segments) };
}
