import { Injectable } from '@nestjs/common';
import nodemailer from 'nodemailer';
import { OutboundAddressGuard } from '@/common/outbound/outbound-address';
import { type AppConfig, InjectConfig } from '@/config';
import { smtpOptions } from '../mail/smtp-options';
import { isHttpAuth, requestAuth, withAuthHeaders, withAuthQuery } from './connection-auth';
import type { ResolvedConnection } from './connection-secrets';
import { OAuth2Tokens } from './oauth2-tokens';
import { outboundRequest } from './outbound-request';

export interface ConnectionTestOutcome {
  ok: boolean;
  error?: string;
  durationMs: number;
}

const TIMEOUT_MS = 10_000;

class TestFailed extends Error {}

/**
 * Tries a connection against its service: api_key, bearer and basic — a GET of the test URL with
 * the auth applied (2xx is ok); oauth2 — a new token from `tokenUrl` (then the test URL, if any,
 * with it); openai — `GET {baseUrl}/models`; smtp — the server's greeting and login
 * (`transporter.verify()`); whatsapp — `GET {WHATSAPP_GRAPH_URL}/{version}/me` with the token.
 * Every destination passes the outbound address policy. Errors never carry a secret.
 */
@Injectable()
export class ConnectionTester {
  private readonly guard: OutboundAddressGuard;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly tokens: OAuth2Tokens,
  ) {
    this.guard = new OutboundAddressGuard({ allowPrivateNetworks: config.integrations.outbound.allowPrivateNetworks });
  }

  async test(connection: ResolvedConnection, version: string, url?: string): Promise<ConnectionTestOutcome> {
    const started = performance.now();
    const durationMs = () => Math.round(performance.now() - started);
    try {
      await this.run(connection, version, url);
      return { ok: true, durationMs: durationMs() };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: scrub(message, connection).slice(0, 500), durationMs: durationMs() };
    }
  }

  private async run(connection: ResolvedConnection, version: string, url: string | undefined): Promise<void> {
    const c = connection.credentials;
    if (isHttpAuth(c)) {
      let accessToken: string | undefined;
      if (c.type === 'oauth2_client_credentials') {
        accessToken = await this.tokens.token(connection.id, c, version, true);
      }
      const target = url ?? c.settings.testUrl;
      if (target === undefined) {
        if (c.type === 'oauth2_client_credentials') return; // the token was the test
        throw new TestFailed('no URL to test against: set settings.testUrl or send { "url": … }');
      }
      const auth = requestAuth(c, accessToken);
      await this.expectOk(
        withAuthQuery(target, auth),
        Object.fromEntries(withAuthHeaders([], auth).map((h) => [h.key, h.value])),
      );
      return;
    }
    switch (c.type) {
      case 'openai': {
        const base = (
          c.settings.baseUrl ??
          this.config.executions.openai.baseUrl ??
          'https://api.openai.com/v1'
        ).replace(/\/+$/, '');
        await this.expectOk(`${base}/models`, {
          authorization: `Bearer ${c.secrets.apiKey}`,
          ...(c.settings.organization ? { 'openai-organization': c.settings.organization } : {}),
        });
        return;
      }
      case 'whatsapp': {
        const { graphUrl, graphVersion } = this.config.integrations.whatsapp;
        await this.expectOk(`${graphUrl}/${graphVersion}/me`, { authorization: `Bearer ${c.secrets.accessToken}` });
        return;
      }
      case 'smtp': {
        const url = new URL(c.secrets.url);
        const [address] = await this.guard.resolveAllowed(url.hostname);
        const transporter = nodemailer.createTransport(smtpOptions(c.secrets.url, address!.address));
        try {
          await transporter.verify();
        } finally {
          transporter.close();
        }
        return;
      }
    }
  }

  private async expectOk(url: string, headers: Record<string, string>): Promise<void> {
    const answer = await outboundRequest(this.guard, { method: 'GET', url, headers, timeoutMs: TIMEOUT_MS });
    if (answer.status < 200 || answer.status >= 300) throw new TestFailed(`the server answered ${answer.status}`);
  }
}

/** Removes any secret value from a message (an SMTP error may quote the login, a URL the key). */
function scrub(message: string, connection: ResolvedConnection): string {
  const values: string[] = Object.values(connection.credentials.secrets as Record<string, string>);
  if (connection.credentials.type === 'smtp') {
    try {
      values.push(decodeURIComponent(new URL(connection.credentials.secrets.url).password));
    } catch {
      // not a URL: nothing more to hide
    }
  }
  let text = message;
  for (const value of values) if (value.length >= 4) text = text.split(value).join('[secret]');
  return text;
}
