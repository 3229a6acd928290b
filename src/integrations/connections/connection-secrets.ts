import type { OrganizationId } from '@/access/organization-id';

/** The kinds of named credentials an organization keeps (`/api/v1/connections`). */
export const connectionTypes = [
  'api_key',
  'bearer',
  'basic',
  'oauth2_client_credentials',
  'openai',
  'smtp',
  'whatsapp',
] as const;
export type ConnectionType = (typeof connectionTypes)[number];

/**
 * A connection as its users need it, decrypted: `settings` are the non-secret parts (returned by
 * the API), `secrets` the sealed ones (never returned, never logged).
 *
 * | type | settings | secrets |
 * | --- | --- | --- |
 * | `api_key` | `headerName` (default `X-API-Key`) or `queryParam`, `testUrl?` | `key` |
 * | `bearer` | `testUrl?` | `token` |
 * | `basic` | `username`, `testUrl?` | `password` |
 * | `oauth2_client_credentials` | `tokenUrl`, `clientId`, `scope?`, `audience?`, `authMethod?`, `testUrl?` | `clientSecret` |
 * | `openai` | `baseUrl?`, `organization?` | `apiKey` |
 * | `smtp` | `from?` | `url` (smtp(s)://user:pass@host:port) |
 * | `whatsapp` | — | `accessToken` |
 */
export type ConnectionCredentials =
  | {
      type: 'api_key';
      settings: { headerName?: string; queryParam?: string; testUrl?: string };
      secrets: { key: string };
    }
  | { type: 'bearer'; settings: { testUrl?: string }; secrets: { token: string } }
  | { type: 'basic'; settings: { username: string; testUrl?: string }; secrets: { password: string } }
  | {
      type: 'oauth2_client_credentials';
      settings: {
        tokenUrl: string;
        clientId: string;
        scope?: string;
        audience?: string;
        /** How the client authenticates at `tokenUrl` (default `client_secret_basic`). */
        authMethod?: 'client_secret_basic' | 'client_secret_post';
        testUrl?: string;
      };
      secrets: { clientSecret: string };
    }
  | { type: 'openai'; settings: { baseUrl?: string; organization?: string }; secrets: { apiKey: string } }
  | { type: 'smtp'; settings: { from?: string }; secrets: { url: string } }
  | { type: 'whatsapp'; settings: Record<string, never>; secrets: { accessToken: string } };

export interface ResolvedConnection {
  readonly id: string;
  readonly name: string;
  readonly credentials: ConnectionCredentials;
}

/**
 * How other modules read an organization's connection (the engine's OpenAI and HTTP blocks, the
 * mail transport): implemented by the connections service, bound by the integrations module.
 */
export abstract class ConnectionSecrets {
  /** The organization's connection, decrypted; null when it has none with this id (another tenant's included). */
  abstract find(organizationId: OrganizationId, connectionId: string): Promise<ResolvedConnection | null>;
}
