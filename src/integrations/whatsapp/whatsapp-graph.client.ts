import { Injectable } from '@nestjs/common';
import { type AppConfig, InjectConfig } from '@/config';
import type { GraphMessage } from './whatsapp-messages';

/** How long one Graph call may take. */
const GRAPH_TIMEOUT_MS = 15_000;

/** A Graph API call that failed: `retryable` for 429, 5xx and network errors, else Meta refused it. */
export class GraphError extends Error {
  constructor(
    readonly status: number | null,
    readonly code: number | null,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export interface PhoneNumberProfile {
  readonly verifiedName: string | null;
  readonly displayPhoneNumber: string | null;
  readonly qualityRating: string | null;
}

export interface GraphTemplate {
  readonly id: string | null;
  readonly name: string;
  readonly language: string;
  readonly category: string | null;
  readonly status: string;
  readonly components: unknown[];
}

/**
 * Meta's Graph API for the Cloud API (`WHATSAPP_GRAPH_URL`, `WHATSAPP_GRAPH_VERSION`): send a
 * message, read a number's profile, page through a business account's templates. The base URL
 * is the operator's configuration (Meta's by default), not user input.
 */
@Injectable()
export class WhatsAppGraphClient {
  private readonly base: string;

  constructor(@InjectConfig() config: AppConfig) {
    this.base = `${config.integrations.whatsapp.graphUrl}/${config.integrations.whatsapp.graphVersion}`;
  }

  /** Sends a message to `to` (a `wa_id`); answers Meta's message id. */
  async send(phoneNumberId: string, accessToken: string, to: string, message: GraphMessage): Promise<string> {
    const body = await this.call<{ messages?: { id?: string }[] }>(
      'POST',
      `/${encodeURIComponent(phoneNumberId)}/messages`,
      accessToken,
      { messaging_product: 'whatsapp', recipient_type: 'individual', to, ...message },
    );
    const id = body.messages?.[0]?.id;
    if (typeof id !== 'string') throw new GraphError(200, null, 'the Graph API answered no message id', true);
    return id;
  }

  async phoneNumber(phoneNumberId: string, accessToken: string): Promise<PhoneNumberProfile> {
    const body = await this.call<{ verified_name?: string; display_phone_number?: string; quality_rating?: string }>(
      'GET',
      `/${encodeURIComponent(phoneNumberId)}?fields=verified_name,display_phone_number,quality_rating`,
      accessToken,
    );
    return {
      verifiedName: body.verified_name ?? null,
      displayPhoneNumber: body.display_phone_number ?? null,
      qualityRating: body.quality_rating ?? null,
    };
  }

  /** Every template of the business account (all pages, following `paging.cursors.after`). */
  async templates(businessAccountId: string, accessToken: string): Promise<GraphTemplate[]> {
    const all: GraphTemplate[] = [];
    let after: string | undefined;
    for (let page = 0; page < 100; page++) {
      const query = new URLSearchParams({ limit: '100', fields: 'id,name,language,category,status,components' });
      if (after) query.set('after', after);
      const body = await this.call<{
        data?: Record<string, unknown>[];
        paging?: { cursors?: { after?: string }; next?: string };
      }>('GET', `/${encodeURIComponent(businessAccountId)}/message_templates?${query.toString()}`, accessToken);
      for (const t of body.data ?? []) {
        if (typeof t.name !== 'string' || typeof t.language !== 'string') continue;
        all.push({
          id: typeof t.id === 'string' ? t.id : null,
          name: t.name,
          language: t.language,
          category: typeof t.category === 'string' ? t.category : null,
          status: typeof t.status === 'string' ? t.status : 'UNKNOWN',
          components: Array.isArray(t.components) ? (t.components as unknown[]) : [],
        });
      }
      after = body.paging?.next ? body.paging.cursors?.after : undefined;
      if (!after) break;
    }
    return all;
  }

  private async call<T>(method: string, path: string, accessToken: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${accessToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(GRAPH_TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (error) {
      throw new GraphError(null, null, `Graph API unreachable: ${(error as Error).message}`, true);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      parsed = {};
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: unknown; message?: unknown } }).error;
      const code = typeof error?.code === 'number' ? error.code : null;
      const message = typeof error?.message === 'string' ? error.message.slice(0, 500) : `HTTP ${response.status}`;
      throw new GraphError(response.status, code, message, response.status === 429 || response.status >= 500);
    }
    return parsed as T;
  }
}
