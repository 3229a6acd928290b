import http from 'node:http';
import https from 'node:https';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type AppConfig, InjectConfig } from '@/config';
import { OutboundAddressError, OutboundAddressGuard } from '@/common/outbound/outbound-address';
import { parseRetryAfter, pinnedLookup, RETRYABLE_NETWORK_CODES } from '@/common/outbound/outbound-http';

/** What one POST got: a status (any) or an error, and how long it took. */
export interface SendResult {
  readonly status?: number;
  /** The first `EXCERPT_BYTES` of the response body (UTF-8, may cut a character). */
  readonly excerpt: string | null;
  readonly durationMs: number;
  readonly error?: string;
  /** For errors: whether another attempt may succeed (network errors, timeouts, transient DNS). */
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

/** How much of a receiver's answer the delivery log keeps. */
export const EXCERPT_BYTES = 2048;

/**
 * POSTs webhook bodies: the destination through the one outbound address policy
 * (`OutboundAddressGuard`, `OUTBOUND_ALLOW_PRIVATE_NETWORKS`) with the checked addresses pinned,
 * no redirects followed (a 3xx is a failed attempt), `WEBHOOK_TIMEOUT_MS` for the whole exchange,
 * and only the first 2 KB of the answer read. Kept-alive connections per worker.
 */
@Injectable()
export class WebhookSender implements OnModuleDestroy {
  private readonly guard: OutboundAddressGuard;
  private readonly timeoutMs: number;
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 30_000 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256, timeout: 30_000 });

  constructor(@InjectConfig() config: AppConfig) {
    this.guard = new OutboundAddressGuard({ allowPrivateNetworks: config.integrations.outbound.allowPrivateNetworks });
    this.timeoutMs = config.integrations.webhooks.timeoutMs;
  }

  onModuleDestroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** Whether `url`'s host, when an IP literal, is allowed (names are checked when delivering). */
  literalAllowed(url: URL): boolean {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (host === 'localhost' || host.endsWith('.localhost')) return this.guard.check('127.0.0.1').allowed;
    return !/^[\d.]+$|:/.test(host) || this.guard.check(host).allowed;
  }

  async post(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const target = new URL(url);
      const addresses = await this.guard.resolveAllowed(target.hostname);
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const secure = target.protocol === 'https:';
        const req = (secure ? https : http).request(
          target,
          {
            method: 'POST',
            headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
            lookup: pinnedLookup(addresses),
            agent: secure ? this.httpsAgent : this.httpAgent,
            signal,
          },
          resolve,
        );
        req.on('error', reject);
        req.end(body);
      });
      const excerpt = await readExcerpt(res);
      const status = res.statusCode ?? 0;
      const retryAfterMs = parseRetryAfter(firstHeader(res.headers['retry-after']));
      return {
        status,
        excerpt,
        durationMs: elapsed(),
        retryable: false,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      };
    } catch (err) {
      if (signal.aborted) {
        return {
          excerpt: null,
          durationMs: elapsed(),
          error: `no answer within ${this.timeoutMs} ms`,
          retryable: true,
        };
      }
      if (err instanceof OutboundAddressError) {
        return { excerpt: null, durationMs: elapsed(), error: err.message, retryable: err.retryable };
      }
      const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
      const message = err instanceof Error ? err.message : String(err);
      return {
        excerpt: null,
        durationMs: elapsed(),
        error: code && !message.includes(code) ? `${message} (${code})` : message,
        retryable: RETRYABLE_NETWORK_CODES.has(code),
      };
    }
  }
}

const firstHeader = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/** Reads up to `EXCERPT_BYTES` of the body, then drops the rest (the connection is reused when it ends soon). */
async function readExcerpt(res: http.IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    if (size < EXCERPT_BYTES) chunks.push(chunk.subarray(0, EXCERPT_BYTES - size));
    size += chunk.length;
    if (size > 64 * 1024) {
      res.destroy();
      break;
    }
  }
  if (size === 0) return null;
  // PostgreSQL text holds no NUL.
  return Buffer.concat(chunks).toString('utf8').replaceAll('\u0000', '');
}
