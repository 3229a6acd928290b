import { z } from 'zod';
import type { FieldError } from '@/common/errors/domain.exception';
import type { ConnectionCredentials, ConnectionType } from './connection-secrets';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
/** Secrets end up in headers, query strings and SMTP logins: no line breaks or NUL. */
const secret = z
  .string()
  .min(1, 'must not be empty')
  .max(8_000)
  .regex(/^[^\r\n\0]*$/, 'must not contain line breaks');
const httpUrl = z
  .string()
  .max(2_000)
  .refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');
const smtpUrl = z
  .string()
  .max(2_000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return ['smtp:', 'smtps:'].includes(url.protocol) && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an smtp:// or smtps:// URL (smtp://user:pass@host:587)');
const headerName = z
  .string()
  .max(100)
  .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'must be an HTTP header name');
const testUrl = httpUrl.optional();

/** The settings and secrets of each type (unknown fields are refused). */
export const credentialSchemas = {
  api_key: {
    settings: z
      .strictObject({ headerName: headerName.optional(), queryParam: text(100).optional(), testUrl })
      .refine((s) => !(s.headerName && s.queryParam), {
        message: 'set headerName or queryParam, not both',
        path: ['queryParam'],
      }),
    secrets: z.strictObject({ key: secret }),
  },
  bearer: { settings: z.strictObject({ testUrl }), secrets: z.strictObject({ token: secret }) },
  basic: {
    settings: z.strictObject({ username: text(200).regex(/^[^:\r\n\0]*$/, 'must not contain ":"'), testUrl }),
    secrets: z.strictObject({ password: secret }),
  },
  oauth2_client_credentials: {
    settings: z.strictObject({
      tokenUrl: httpUrl,
      clientId: text(500),
      scope: text(2_000).optional(),
      audience: text(2_000).optional(),
      authMethod: z.enum(['client_secret_basic', 'client_secret_post']).optional(),
      testUrl,
    }),
    secrets: z.strictObject({ clientSecret: secret }),
  },
  openai: {
    settings: z.strictObject({ baseUrl: httpUrl.optional(), organization: text(200).optional() }),
    secrets: z.strictObject({ apiKey: secret }),
  },
  smtp: { settings: z.strictObject({ from: text(320).optional() }), secrets: z.strictObject({ url: smtpUrl }) },
  whatsapp: { settings: z.strictObject({}), secrets: z.strictObject({ accessToken: secret }) },
} as const satisfies Record<ConnectionType, { settings: z.ZodType; secrets: z.ZodType }>;

/** The names of a type's secrets (what the API shows instead of their values). */
export const secretFieldsOf = (type: ConnectionType): string[] => Object.keys(credentialSchemas[type].secrets.shape);

const fieldErrors = (error: z.ZodError, prefix: string): FieldError[] =>
  error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].join('.'),
    // Never echo a value (a secret may be in it).
    message: issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message,
  }));

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Checks a type's settings (`settings.*` field errors). */
export function checkSettings(type: ConnectionType, settings: unknown): Checked<Record<string, unknown>> {
  const parsed = credentialSchemas[type].settings.safeParse(settings ?? {});
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, errors: fieldErrors(parsed.error, 'settings') };
}

/** Checks a type's secrets (`secrets.*` field errors). */
export function checkSecrets(type: ConnectionType, secrets: unknown): Checked<Record<string, string>> {
  const parsed = credentialSchemas[type].secrets.safeParse(secrets ?? {});
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, errors: fieldErrors(parsed.error, 'secrets') };
}

/** Settings and secrets, checked, as the typed credentials (`ConnectionSecrets` answers). */
export const toCredentials = (
  type: ConnectionType,
  settings: Record<string, unknown>,
  secrets: Record<string, string>,
): ConnectionCredentials => ({ type, settings, secrets }) as ConnectionCredentials;
