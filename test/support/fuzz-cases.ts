import type { OpenAPIV3 } from 'openapi-types';
import { type Operation, pathParams, sampleOf } from './openapi-walker';

/**
 * Hostile requests derived from an OpenAPI operation: wrong types, missing and extra fields, NUL,
 * lone surrogates, deep nesting, huge strings, boundary numbers and dates, malformed JSON, wrong
 * content types, bad path ids. Deterministic: every choice comes from a seeded PRNG.
 */

/** mulberry32: a small, fast, seedable PRNG (same seed, same sequence). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type Random = () => number;
export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** `count` items of `items`, in their order, chosen by `random` (all of them when fewer). */
export function sample<T>(random: Random, items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(Math.floor(random() * items.length));
  return [...chosen].sort((a, b) => a - b).map((i) => items[i]!);
}

export interface FuzzRequest {
  /** What the case tries, for the failure report. */
  readonly name: string;
  /** The path with parameters filled in (may carry a raw query string). */
  readonly path: string;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
}

/** Real values for path parameters, by the resource the path names. */
export type ParamResolver = (path: string, param: string) => string;

const NUL = 'a\u0000b';
const LONE_SURROGATE = 'a\ud800b';
const LONE_LOW_SURROGATE = '\udc00';
/** Percent-encoded forms for URLs (`encodeURIComponent` refuses lone surrogates). */
const URL_NUL = 'a%00b';
const URL_SURROGATE = 'a%ED%A0%80b';

const deepArray = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Values of the wrong kind, and values at or past what PostgreSQL holds. */
const hostileValues: readonly { readonly name: string; readonly value: unknown }[] = [
  { name: 'null', value: null },
  { name: 'NUL', value: NUL },
  { name: 'lone surrogate', value: LONE_SURROGATE },
  { name: 'lone low surrogate', value: LONE_LOW_SURROGATE },
  { name: 'huge string', value: 'x'.repeat(200_000) },
  { name: 'empty string', value: '' },
  { name: 'int4 max + 1', value: 2_147_483_648 },
  { name: '1e308', value: 1e308 },
  { name: '-1', value: -1 },
  { name: '0.5', value: 0.5 },
  { name: 'true', value: true },
  { name: 'empty array', value: [] },
  { name: 'array of NUL', value: [NUL] },
  { name: 'object', value: { nested: NUL } },
  { name: 'object with NUL key', value: { 'k\u0000': 1 } },
  { name: 'object with lone-surrogate key', value: { '\ud800': 1 } },
  { name: 'nested 100 deep', value: JSON.parse(deepArray(100)) as unknown },
  { name: 'date before PostgreSQL', value: '-200000-01-01T00:00:00Z' },
  { name: 'date at JS max', value: '+275760-09-13T00:00:00.000Z' },
  { name: 'not a date', value: '2024-13-45T99:99:99Z' },
  { name: 'uuid-like garbage', value: '00000000-0000-0000-0000-00000000000g' },
];

/** Query values: every query value is a string, so these are the hostile strings. */
const hostileQueryValues: readonly { readonly name: string; readonly raw: string }[] = [
  { name: 'NUL', raw: URL_NUL },
  { name: 'lone surrogate', raw: URL_SURROGATE },
  { name: 'malformed escape', raw: '%E0%A4%A' },
  { name: 'word', raw: 'abc' },
  { name: 'int4 max + 1', raw: '2147483648' },
  { name: '99999999999', raw: '99999999999' },
  { name: '1e20', raw: '1e20' },
  { name: '1e308', raw: '1e308' },
  { name: '-1', raw: '-1' },
  { name: 'date before PostgreSQL', raw: encodeURIComponent('-200000-01-01T00:00:00Z') },
  { name: 'date at JS max', raw: encodeURIComponent('+275760-09-13T00:00:00Z') },
  { name: 'huge', raw: 'q'.repeat(20_000) },
  { name: 'empty', raw: '' },
];

const hostilePathValues: readonly { readonly name: string; readonly raw: string }[] = [
  { name: 'not a uuid', raw: 'not-a-uuid' },
  { name: 'NUL', raw: URL_NUL },
  { name: 'lone surrogate', raw: URL_SURROGATE },
  { name: 'malformed escape', raw: '%E0%A4%A' },
  { name: 'over 100 characters', raw: 'p'.repeat(101) },
  { name: 'int4 max + 1', raw: '2147483648' },
  { name: '99999999999', raw: '99999999999' },
  { name: '-1', raw: '-1' },
  { name: '1e20', raw: '1e20' },
];

const fillPath = (path: string, values: Readonly<Record<string, string>>): string =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => values[name]!);

const deref = (
  document: OpenAPIV3.Document,
  schema: OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject | undefined,
): OpenAPIV3.SchemaObject | undefined => {
  if (!schema) return undefined;
  const resolved =
    '$ref' in schema
      ? (document.components!.schemas![schema.$ref.split('/').pop()!] as OpenAPIV3.SchemaObject)
      : schema;
  if (resolved.allOf?.length === 1) return deref(document, resolved.allOf[0]);
  return resolved;
};

/** The JSON body schema of an operation, resolved. */
export function bodySchemaOf(
  document: OpenAPIV3.Document,
  operation: OpenAPIV3.OperationObject,
): OpenAPIV3.SchemaObject | undefined {
  const body = operation.requestBody as OpenAPIV3.RequestBodyObject | undefined;
  return deref(document, body?.content['application/json']?.schema);
}

/** Property paths (one level of nesting) whose values the body cases replace. */
function propertyPaths(document: OpenAPIV3.Document, schema: OpenAPIV3.SchemaObject): string[][] {
  const paths: string[][] = [];
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    paths.push([key]);
    const resolved = deref(document, child);
    for (const nested of Object.keys(resolved?.type === 'object' ? (resolved.properties ?? {}) : {})) {
      paths.push([key, nested]);
    }
  }
  return paths;
}

const withValueAt = (
  body: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): Record<string, unknown> => {
  const copy: Record<string, unknown> = { ...body };
  let cursor = copy;
  for (const key of path.slice(0, -1)) {
    const existing = cursor[key];
    const next = existing && typeof existing === 'object' && !Array.isArray(existing) ? { ...existing } : {};
    cursor[key] = next;
    cursor = next;
  }
  cursor[path[path.length - 1]!] = value;
  return copy;
};

export interface CaseOptions {
  readonly document: OpenAPIV3.Document;
  readonly operation: Operation;
  readonly resolve: ParamResolver;
  readonly random: Random;
  /** Body property × value pairs to try (seeded sample); all of them when larger than the total. */
  readonly bodyValueCases: number;
}

/** The hostile requests for one operation. */
export function hostileRequests({ document, operation, resolve, random, bodyValueCases }: CaseOptions): FuzzRequest[] {
  const params = pathParams(operation.path);
  const real = Object.fromEntries(params.map((name) => [name, resolve(operation.path, name)]));
  const path = fillPath(operation.path, real);
  const cases: FuzzRequest[] = [];

  // Path parameters, one at a time.
  for (const name of params) {
    for (const hostile of hostilePathValues) {
      cases.push({
        name: `path ${name}: ${hostile.name}`,
        path: fillPath(operation.path, { ...real, [name]: hostile.raw }),
      });
    }
  }

  // Query parameters, one at a time, plus an unknown and a repeated one.
  const queryParams = ((operation.operation.parameters ?? []) as OpenAPIV3.ParameterObject[]).filter(
    (p) => p.in === 'query',
  );
  for (const param of queryParams) {
    for (const hostile of hostileQueryValues) {
      cases.push({ name: `query ${param.name}: ${hostile.name}`, path: `${path}?${param.name}=${hostile.raw}` });
    }
    cases.push({ name: `query ${param.name}: repeated`, path: `${path}?${param.name}=1&${param.name}=2` });
  }
  cases.push({ name: 'query: unknown parameter with NUL', path: `${path}?fuzz=${URL_NUL}` });
  cases.push({ name: 'query: NUL in a key', path: `${path}?a%00b=1` });

  // Headers Parley reads.
  cases.push({ name: 'header X-Organization-Id: not a uuid', path, headers: { 'x-organization-id': 'not-a-uuid' } });

  if (!['POST', 'PUT', 'PATCH'].includes(operation.method)) return cases;

  // Bodies: syntax, media types, shapes.
  const schema = bodySchemaOf(document, operation.operation);
  // A valid body (required properties) that each case spoils in one place.
  const valid = (schema ? (sampleOf(document, schema) ?? {}) : {}) as Record<string, unknown>;
  const raw = (name: string, rawBody: string, contentType = 'application/json'): FuzzRequest => ({
    name,
    path,
    rawBody,
    headers: { 'content-type': contentType },
  });
  cases.push(
    raw('body: malformed JSON', '{"a":'),
    raw('body: empty with JSON content type', ''),
    raw('body: JSON null', 'null'),
    raw('body: JSON string', '"text"'),
    raw('body: JSON number', '1e308'),
    raw('body: JSON array', '[1,2]'),
    raw('body: arrays nested 5000 deep', deepArray(5000)),
    raw('body: objects nested 5000 deep', deepObject(5000)),
    raw('body: NUL escape', JSON.stringify({ ...valid, fuzz: 'x' }).replace('"x"', '"\\u0000"')),
    raw('body: lone surrogate escape', JSON.stringify({ ...valid, fuzz: 'x' }).replace('"x"', '"\\ud800"')),
    raw('body: __proto__ key', '{"__proto__":{"admin":true}}'),
    raw('body: text/plain', 'hello', 'text/plain'),
    raw('body: form-encoded', 'a=b', 'application/x-www-form-urlencoded'),
    raw('body: XML', '<a/>', 'application/xml'),
    raw('body: JSON under another charset', JSON.stringify(valid), 'application/json; charset=utf-16'),
    { name: 'body: empty object', path, body: {} },
    { name: 'body: extra field', path, body: { ...valid, fuzzExtra: 1 } },
  );
  if (!schema) return cases;

  for (const key of schema.required ?? []) {
    const rest = { ...valid };
    delete rest[key];
    cases.push({ name: `body ${key}: missing`, path, body: rest });
  }
  const pairs = propertyPaths(document, schema).flatMap((property) =>
    hostileValues.map((hostile) => ({ property, hostile })),
  );
  for (const { property, hostile } of sample(random, pairs, bodyValueCases)) {
    cases.push({
      name: `body ${property.join('.')}: ${hostile.name}`,
      path,
      body: withValueAt(valid, property, hostile.value),
    });
  }
  // Deep nesting and hostile keys inside the first property (free-form objects: variables, theme, flow).
  const first = Object.keys(schema.properties ?? {})[0];
  if (first) {
    cases.push(
      raw(
        `body ${first}: nested 5000 deep`,
        JSON.stringify(withValueAt(valid, [first], '__deep__')).replace('"__deep__"', deepArray(5000)),
      ),
    );
    cases.push({ name: `body ${first}: NUL key`, path, body: withValueAt(valid, [first], { 'a\u0000': 'b' }) });
  }
  return cases;
}
