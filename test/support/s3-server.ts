import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- s3rver ships no types
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => S3rverApp;

interface S3rverApp {
  configureBuckets(): Promise<void>;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  logger: { close(): void; exceptions: { unhandle(): void } };
}

/**
 * An S3-compatible object store for tests: `s3rver` (files in a temporary directory) behind a
 * real HTTP server on 127.0.0.1 (random port), with one bucket created.
 *
 *   const s3 = new S3Server();
 *   const { endpoint } = await s3.start();
 *   startTestApp({ ...s3.env() });   // STORAGE_DRIVER=s3, S3_ENDPOINT, S3_BUCKET, keys, path style
 *   ...
 *   await s3.stop();
 *
 * s3rver is old: it accepts any SigV4 signature (it checks only V2 ones). The front server
 * therefore verifies presigned URLs itself (signature over the method, path, query and host;
 * `X-Amz-Date` + `X-Amz-Expires` not passed), so tampered and expired links get the 403 a real
 * S3 gives. Header-signed SDK requests are passed through as s3rver handles them.
 *
 * Checked with @aws-sdk/client-s3 3.1169: buffered bodies (what `Upload` sends, part by part) work
 * with the SDK's default checksums too, but a PutObject of a stream of unknown length fails in the
 * SDK itself (aws-chunked with a CRC32 trailer: "Invalid value undefined for header
 * x-amz-decoded-content-length"), and s3rver would not read trailers anyway; with
 * `requestChecksumCalculation: 'WHEN_REQUIRED'` (as `S3FileStorage` sets) it works. The `x-id`
 * query parameter the SDK adds (`?x-id=PutObject`) is ignored by s3rver's router.
 */
export class S3Server {
  static readonly accessKeyId = 'S3RVER';
  static readonly secretAccessKey = 'S3RVER';
  readonly region = 'us-east-1';
  /** Every request's method and path (with query), in order. */
  readonly requests: { method: string; url: string }[] = [];
  private server: Server | undefined;
  private app: S3rverApp | undefined;
  private directory: string | undefined;
  private endpointUrl: string | undefined;

  constructor(readonly bucket = 'parley-test') {}

  async start(): Promise<{ endpoint: string; bucket: string }> {
    this.directory = await mkdtemp(join(tmpdir(), 'parley-s3-'));
    const app = new S3rver({
      silent: true,
      directory: this.directory,
      configureBuckets: [{ name: this.bucket, configs: [] }],
      vhostBuckets: false,
    });
    await app.configureBuckets();
    this.app = app;
    const handle = app.callback();
    const server = createServer((req, res) => {
      this.requests.push({ method: req.method ?? 'GET', url: req.url ?? '/' });
      const refused = this.checkPresigned(req);
      if (refused) {
        res.writeHead(403, { 'content-type': 'application/xml' });
        res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refused}</Code></Error>`);
        return;
      }
      handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.endpointUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { endpoint: this.endpointUrl, bucket: this.bucket };
  }

  get endpoint(): string {
    if (!this.endpointUrl) throw new Error('S3Server is not started');
    return this.endpointUrl;
  }

  /** The environment that points Parley's storage at this server. */
  env(): Record<string, string> {
    return {
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: this.endpoint,
      S3_REGION: this.region,
      S3_BUCKET: this.bucket,
      S3_ACCESS_KEY_ID: S3Server.accessKeyId,
      S3_SECRET_ACCESS_KEY: S3Server.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    };
  }

  /** The options of `S3FileStorage` for this server. */
  storageOptions(ttlSeconds = 300) {
    return {
      endpoint: this.endpoint,
      region: this.region,
      bucket: this.bucket,
      accessKeyId: S3Server.accessKeyId,
      secretAccessKey: S3Server.secretAccessKey,
      forcePathStyle: true,
      ttlSeconds,
    };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.app?.logger.exceptions.unhandle();
    this.app?.logger.close();
    this.app = undefined;
    if (this.directory) await rm(this.directory, { recursive: true, force: true });
    this.directory = undefined;
  }

  /** Null when the request is not presigned or its SigV4 query signature is right and fresh; else the S3 error code. */
  private checkPresigned(req: IncomingMessage): string | null {
    const url = new URL(req.url ?? '/', 'http://s3');
    const query = url.searchParams;
    if (!query.has('X-Amz-Algorithm')) return null;
    const signature = query.get('X-Amz-Signature') ?? '';
    const amzDate = query.get('X-Amz-Date') ?? '';
    const expires = Number(query.get('X-Amz-Expires'));
    const credential = (query.get('X-Amz-Credential') ?? '').split('/');
    const signedHeaders = (query.get('X-Amz-SignedHeaders') ?? '').split(';');
    const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    if (!date || !Number.isInteger(expires) || credential.length !== 5 || credential[0] !== S3Server.accessKeyId) {
      return 'AuthorizationQueryParametersError';
    }
    const signedAt = Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!, +date[4]!, +date[5]!, +date[6]!);
    if (Date.now() > signedAt + expires * 1000) return 'AccessDenied';

    const canonicalQuery = [...query.entries()]
      .filter(([name]) => name !== 'X-Amz-Signature')
      .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
      .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
      .map(([name, value]) => `${name}=${value}`)
      .join('&');
    const canonicalHeaders = signedHeaders.map((name) => `${name}:${headerValue(req, name)}\n`).join('');
    const canonicalRequest = [
      req.method ?? 'GET',
      (req.url ?? '/').split('?')[0],
      canonicalQuery,
      canonicalHeaders,
      signedHeaders.join(';'),
      'UNSIGNED-PAYLOAD',
    ].join('\n');
    const scope = credential.slice(1).join('/');
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
    let key: Buffer = Buffer.from(`AWS4${S3Server.secretAccessKey}`);
    for (const part of credential.slice(1)) key = hmac(key, part);
    const expected = Buffer.from(hmac(key, stringToSign).toString('hex'));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected) ? null : 'SignatureDoesNotMatch';
  }
}

const hmac = (key: Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
const sha256 = (data: string): string => createHash('sha256').update(data).digest('hex');
const rfc3986 = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function headerValue(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim().replace(/\s+/g, ' ');
}
