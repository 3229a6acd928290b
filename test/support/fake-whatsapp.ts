import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Meta's Graph API (WhatsApp Cloud API), a real HTTP server on 127.0.0.1:
 *
 *   POST /{version}/{phone-number-id}/messages   → { messaging_product, contacts: [{ input, wa_id }], messages: [{ id }] }
 *   GET  /{version}/{phone-number-id}            → { verified_name, display_phone_number, quality_rating, id }
 *   GET  /{version}/{waba-id}/message_templates  → { data: [...], paging: { cursors: { before, after }, next? } }
 *
 * Every call must bring `Authorization: Bearer <accessToken>` (else 401 with Meta's error code 190).
 * Requests are recorded; failures are scripted (`failNext(500)`, `failNext(429)`, a Meta error).
 * Shapes follow https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages.
 */
export interface RecordedGraphRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: any;
  /** The status answered. */
  status?: number;
}

export interface ScriptedGraphFailure {
  readonly status: number;
  /** Meta's error object (`{ message, type, code, error_data?, fbtrace_id }`). */
  readonly error?: { code: number; message: string };
}

export class FakeWhatsApp {
  readonly requests: RecordedGraphRequest[] = [];
  private readonly failures: ScriptedGraphFailure[] = [];
  private server: Server | undefined;
  private counter = 0;
  templates: Record<string, unknown>[] = [];
  /** Templates per page (paging exercised with more than this many). */
  pageSize = 2;
  profile = { verified_name: 'Parley Test Shop', display_phone_number: '+1 555-010-0000', quality_rating: 'GREEN' };

  constructor(readonly options: { accessToken: string; version?: string }) {}

  get version(): string {
    return this.options.version ?? 'v21.0';
  }

  /** The messages accepted (POST …/messages bodies answered 200), in order. */
  get sent(): any[] {
    return this.requests
      .filter((r) => r.method === 'POST' && r.path.endsWith('/messages') && r.status === 200)
      .map((r) => r.body);
  }

  /** The next requests fail like this, in order (then normal answers resume). */
  failNext(...failures: ScriptedGraphFailure[]): void {
    this.failures.push(...failures);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = text;
        }
        const recorded: RecordedGraphRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body,
        };
        this.requests.push(recorded);
        const send = (status: number, payload: unknown) => {
          recorded.status = status;
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(payload));
        };
        const metaError = (status: number, code: number, message: string) =>
          send(status, { error: { message, type: 'OAuthException', code, fbtrace_id: 'Ab12Cd34' } });
        if (req.headers.authorization !== `Bearer ${this.options.accessToken}`) {
          return metaError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
        }
        const failure = this.failures.shift();
        if (failure) {
          return failure.error
            ? metaError(failure.status, failure.error.code, failure.error.message)
            : metaError(failure.status, failure.status === 429 ? 130429 : 1, 'An unknown error occurred');
        }
        const parts = url.pathname.split('/').filter(Boolean);
        if (parts[0] !== this.version) return metaError(400, 2500, 'Unknown path components');
        if (req.method === 'POST' && parts.length === 3 && parts[2] === 'messages') {
          const recipient = (body as { to?: unknown } | undefined)?.to;
          const to = typeof recipient === 'string' ? recipient : '';
          return send(200, {
            messaging_product: 'whatsapp',
            contacts: [{ input: to, wa_id: to }],
            messages: [{ id: `wamid.OUT${++this.counter}${randomBytes(6).toString('hex')}` }],
          });
        }
        if (req.method === 'GET' && parts.length === 3 && parts[2] === 'message_templates') {
          const start = Number(url.searchParams.get('after') ?? 0);
          const data = this.templates.slice(start, start + this.pageSize);
          const after = start + data.length;
          return send(200, {
            data,
            paging: {
              cursors: { before: String(start), after: String(after) },
              ...(after < this.templates.length ? { next: `${url.origin}${url.pathname}?after=${after}` } : {}),
            },
          });
        }
        if (req.method === 'GET' && parts.length === 2) return send(200, { ...this.profile, id: parts[1] });
        return metaError(400, 100, 'Unsupported request');
      });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------- webhook notifications

/** Meta's webhook envelope around one `messages` change of a number. */
export function notification(phoneNumberId: string, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550100000', phone_number_id: phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

let inbound = 0;
/** A fresh inbound message id. */
export const newWamid = (): string => `wamid.IN${++inbound}${randomBytes(8).toString('hex')}`;

const contactOf = (waId: string, name: string) => [{ profile: { name }, wa_id: waId }];
const timestamp = () => String(Math.floor(Date.now() / 1000));

/** A text message from `waId`. */
export const textNotification = (
  phoneNumberId: string,
  from: { waId: string; name: string },
  body: string,
  id = newWamid(),
) =>
  notification(phoneNumberId, {
    contacts: contactOf(from.waId, from.name),
    messages: [{ from: from.waId, id, timestamp: timestamp(), type: 'text', text: { body } }],
  });

/** A tap on a reply button (`button_reply`) or a list row (`list_reply`). */
export const interactiveNotification = (
  phoneNumberId: string,
  from: { waId: string; name: string },
  reply: { kind: 'button_reply' | 'list_reply'; id: string; title: string },
  id = newWamid(),
) =>
  notification(phoneNumberId, {
    contacts: contactOf(from.waId, from.name),
    messages: [
      {
        context: { from: '15550100000', id: 'wamid.PREVIOUS' },
        from: from.waId,
        id,
        timestamp: timestamp(),
        type: 'interactive',
        interactive: { type: reply.kind, [reply.kind]: { id: reply.id, title: reply.title } },
      },
    ],
  });

/** A delivery status of a message Parley sent. */
export const statusNotification = (
  phoneNumberId: string,
  wamid: string,
  status: 'sent' | 'delivered' | 'read' | 'failed',
  recipient: string,
  errors?: { code: number; title: string }[],
) =>
  notification(phoneNumberId, {
    statuses: [
      {
        id: wamid,
        status,
        timestamp: timestamp(),
        recipient_id: recipient,
        conversation: { id: 'CONVERSATION_ID', origin: { type: 'service' } },
        pricing: { billable: true, pricing_model: 'CBP', category: 'service' },
        ...(errors ? { errors } : {}),
      },
    ],
  });

/** The body as sent and its `X-Hub-Signature-256` with `appSecret`. */
export function signed(payload: unknown, appSecret: string): { rawBody: string; headers: Record<string, string> } {
  const rawBody = JSON.stringify(payload);
  const signature = createHmac('sha256', appSecret).update(rawBody).digest('hex');
  return { rawBody, headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${signature}` } };
}
