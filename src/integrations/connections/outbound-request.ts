import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { OutboundAddressGuard } from '@/common/outbound/outbound-address';

export interface OutboundRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly timeoutMs: number;
}

export interface OutboundAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

const MAX_BYTES = 256 * 1024;

/**
 * One small HTTP(S) call for the connections' own traffic (tests, OAuth2 tokens): the destination
 * is checked by the outbound policy (`OutboundAddressGuard`) and the socket goes to the checked
 * addresses only; no redirects are followed; the body is capped at 256 KiB.
 */
export async function outboundRequest(guard: OutboundAddressGuard, request: OutboundRequest): Promise<OutboundAnswer> {
  const url = new URL(request.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${url.protocol} URLs are not allowed`);
  const signal = AbortSignal.timeout(request.timeoutMs);
  const addresses = await Promise.race([
    guard.resolveAllowed(url.hostname),
    new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(new Error(`no answer within ${request.timeoutMs} ms`)), {
        once: true,
      }),
    ),
  ]);
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) {
      callback(
        null,
        addresses.map((a) => ({ address: a.address, family: a.family })),
      );
      return;
    }
    const pick = addresses.find((a) => !options.family || a.family === options.family) ?? addresses[0]!;
    callback(null, pick.address, pick.family);
  };
  const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
  const headers: Record<string, string> = {
    'user-agent': 'Parley-Connections/1.0',
    accept: 'application/json',
    ...request.headers,
    ...(body ? { 'content-length': String(body.length) } : {}),
  };
  const client = url.protocol === 'https:' ? https : http;
  try {
    return await new Promise<OutboundAnswer>((resolve, reject) => {
      const req = client.request(url, { method: request.method, headers, lookup, signal, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BYTES) {
            res.destroy(new Error(`the answer is larger than ${MAX_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
  } catch (error) {
    if (signal.aborted) throw new Error(`no answer within ${request.timeoutMs} ms`, { cause: error });
    throw error;
  }
}
