/**
 * What may leave the process in a log line. Two rules, applied at the root (the `err` and `req`
 * serializers) so no call site has to remember them:
 * - URLs lose their credentials: path segments that are tokens, query values of secret names.
 * - Errors keep what explains them (type, message, stack, codes, SQL with its placeholders) and
 *   nothing else: never SQL parameters, PostgreSQL's `detail` ("Failing row contains (…)"), nor
 *   any other property an error happens to carry (entities, session state, request bodies).
 */

export const REDACTED = '[redacted]';

/** Our opaque tokens and keys start with these (`pst_` visitor sessions, `rt_`, `pk_`, `inv_`, `pwr_`). */
const tokenPrefix = /^(pst|rt|pk|inv|pwr)_./;
/** A JWT (three base64url parts, the first `{"…`). */
const jwtShape = /^eyJ[\w-]*\.[\w-]+\.[\w-]*$/;
/** Query parameters whose value is a credential, whatever it looks like. */
const secretParams = new Set([
  'token',
  'access_token',
  'accesstoken',
  'refresh_token',
  'refreshtoken',
  'id_token',
  'session_token',
  'sessiontoken',
  'invitation_token',
  'invitationtoken',
  'reset_token',
  'api_key',
  'apikey',
  'key',
  'code',
  'password',
  'secret',
  'client_secret',
  'signature',
  'sig',
  'auth',
  'authorization',
]);
/** A path segment before one of these is a visitor session token (Typebot-compatible routes). */
const tokenBefore = new Set(['continuechat']);

const decode = (text: string): string => {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
};

const looksLikeToken = (value: string): boolean => {
  const plain = decode(value);
  return tokenPrefix.test(plain) || jwtShape.test(plain);
};

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const at = pair.indexOf('=');
      if (at < 0) return looksLikeToken(pair) ? REDACTED : pair;
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      return secretParams.has(decode(name).toLowerCase()) || looksLikeToken(value) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
}

/** The URL (path and query, as in a request line) with every credential replaced by `[redacted]`. */
export function redactUrl(url: string | undefined): string | undefined {
  if (typeof url !== 'string' || url === '') return url;
  const hashAt = url.indexOf('#');
  const withoutHash = hashAt < 0 ? url : url.slice(0, hashAt);
  const queryAt = withoutHash.indexOf('?');
  const path = queryAt < 0 ? withoutHash : withoutHash.slice(0, queryAt);
  const segments = path.split('/');
  const safePath = segments
    .map((segment, i) => {
      const next = segments[i + 1];
      const beforeTokenRoute = next !== undefined && tokenBefore.has(next.toLowerCase()) && segment !== '';
      return beforeTokenRoute || looksLikeToken(segment) ? REDACTED : segment;
    })
    .join('/');
  return queryAt < 0 ? safePath : `${safePath}?${redactQuery(withoutHash.slice(queryAt + 1))}`;
}

/** Properties of an error (any depth) that say what went wrong without carrying data. */
const safeErrorKeys = [
  'type',
  'name',
  'message',
  'stack',
  'code',
  'errno',
  'syscall',
  'status',
  'statusCode',
  'errorId',
  // PostgreSQL (pg's DatabaseError): which constraint/column, never the row (`detail`) or `where`.
  'severity',
  'constraint',
  'table',
  'column',
  'schema',
  'dataType',
  'routine',
] as const;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const isPrimitive = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/**
 * The error as it may be logged. Accepts an Error or pino's serialized form of one (pino-http
 * applies its standard serializer first). TypeORM's `QueryFailedError` keeps its SQL (values are
 * `$n` placeholders) but loses `parameters`; its `driverError` keeps codes and names only.
 */
export function safeError(err: unknown, depth = 0): unknown {
  if (!isObject(err)) return err;
  const source = err;
  const safe: Record<string, unknown> = {};
  if (!('type' in source) && err instanceof Error) safe.type = err.constructor.name;
  for (const key of safeErrorKeys) {
    const value = source[key];
    if (isPrimitive(value)) safe[key] = value;
  }
  if (typeof source.query === 'string') safe.query = source.query;
  if (depth < 3) {
    if (isObject(source.driverError)) safe.driverError = safeError(source.driverError, depth + 1);
    if (err instanceof Error && isObject(err.cause)) safe.cause = safeError(err.cause, depth + 1);
    const nested = Array.isArray(source.aggregateErrors) ? source.aggregateErrors : source.errors;
    if (Array.isArray(nested) && nested.every((e) => e instanceof Error || (isObject(e) && 'message' in e))) {
      safe.aggregateErrors = nested.slice(0, 10).map((e) => safeError(e, depth + 1));
    }
  }
  return safe;
}
