import type { ConnectionCredentials } from './connection-secrets';

export interface RequestAuth {
  /** Headers to set (they replace the request's own of the same name). */
  readonly headers: { key: string; value: string }[];
  readonly query: { key: string; value: string }[];
}

/** The types an HTTP request can authenticate with. */
export const HTTP_AUTH_TYPES = ['api_key', 'bearer', 'basic', 'oauth2_client_credentials'] as const;
export type HttpAuthType = (typeof HTTP_AUTH_TYPES)[number];

export const isHttpAuth = (
  credentials: ConnectionCredentials,
): credentials is Extract<ConnectionCredentials, { type: HttpAuthType }> =>
  (HTTP_AUTH_TYPES as readonly string[]).includes(credentials.type);

/**
 * How a connection authenticates an HTTP request: api_key in its header (default `X-API-Key`) or
 * query parameter, `Authorization: Bearer` for bearer and OAuth2 (`accessToken`), Basic for basic.
 */
export function requestAuth(
  credentials: Extract<ConnectionCredentials, { type: HttpAuthType }>,
  accessToken?: string,
): RequestAuth {
  switch (credentials.type) {
    case 'api_key':
      return credentials.settings.queryParam
        ? { headers: [], query: [{ key: credentials.settings.queryParam, value: credentials.secrets.key }] }
        : {
            headers: [{ key: credentials.settings.headerName ?? 'X-API-Key', value: credentials.secrets.key }],
            query: [],
          };
    case 'bearer':
      return { headers: [{ key: 'Authorization', value: `Bearer ${credentials.secrets.token}` }], query: [] };
    case 'basic': {
      const pair = `${credentials.settings.username}:${credentials.secrets.password}`;
      return { headers: [{ key: 'Authorization', value: `Basic ${Buffer.from(pair).toString('base64')}` }], query: [] };
    }
    case 'oauth2_client_credentials':
      if (accessToken === undefined) throw new Error('an OAuth2 connection needs its access token');
      return { headers: [{ key: 'Authorization', value: `Bearer ${accessToken}` }], query: [] };
  }
}

/** `url` with the auth's query parameters set (replacing any of the same name). */
export function withAuthQuery(url: string, auth: RequestAuth): string {
  if (auth.query.length === 0) return url;
  const parsed = new URL(url);
  for (const { key, value } of auth.query) parsed.searchParams.set(key, value);
  return parsed.toString();
}

/** `headers` with the auth's headers, replacing any of the same name (case-insensitive). */
export function withAuthHeaders(
  headers: readonly { key: string; value: string }[],
  auth: RequestAuth,
): { key: string; value: string }[] {
  const names = new Set(auth.headers.map((h) => h.key.toLowerCase()));
  return [...headers.filter((h) => !names.has(h.key.trim().toLowerCase())), ...auth.headers];
}
