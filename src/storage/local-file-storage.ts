import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertKey, FileStorage, type PutOptions, type SignedUrlOptions, type StoredFile } from './file-storage';
import { StorageLimitExceeded } from './storage.exception';

export interface LocalFileStorageOptions {
  readonly dir: string;
  /** Base of the signed links: `<publicUrl>/files/<key>?expires=…&name=…&signature=…`. */
  readonly publicUrl: string;
  /** HMAC-SHA256 key of the links (derived from the master key). */
  readonly signingKey: Buffer;
  readonly ttlSeconds: number;
}

/** What a signed link carries, checked by `verifyLink`. */
export interface FileLink {
  readonly key: string;
  readonly expires: number;
  readonly downloadName: string | undefined;
}

/**
 * Files in a directory (`STORAGE_DIR`). A file is written to a temporary name and renamed into
 * place, so a reader never sees half of one; its content type sits beside it in `<file>.meta`.
 * Signed links are served by `GET /files/*` (`FilesController`).
 */
export class LocalFileStorage extends FileStorage {
  private readonly root: string;

  constructor(private readonly options: LocalFileStorageOptions) {
    super();
    this.root = resolve(options.dir);
  }

  private path(key: string): string {
    assertKey(key);
    return join(this.root, key);
  }

  async put(key: string, body: Readable | Buffer, options: PutOptions): Promise<StoredFile> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.${randomUUID()}.part`;
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (options.maxBytes !== undefined && size > options.maxBytes) {
          callback(new StorageLimitExceeded(options.maxBytes));
        } else callback(null, chunk);
      },
    });
    try {
      if (Buffer.isBuffer(body)) {
        if (options.maxBytes !== undefined && body.length > options.maxBytes) {
          throw new StorageLimitExceeded(options.maxBytes);
        }
        size = body.length;
        await writeFile(temporary, body);
      } else {
        await pipeline(body, counter, createWriteStream(temporary));
      }
      await writeFile(`${target}.meta`, JSON.stringify({ contentType: options.contentType }));
      await rename(temporary, target);
    } catch (err) {
      await rm(temporary, { force: true });
      throw err;
    }
    return { key, size, contentType: options.contentType };
  }

  async stat(key: string): Promise<StoredFile | null> {
    const path = this.path(key);
    try {
      const [info, meta] = await Promise.all([stat(path), readFile(`${path}.meta`, 'utf8').catch(() => '{}')]);
      const contentType = (JSON.parse(meta) as { contentType?: string }).contentType ?? 'application/octet-stream';
      return { key, size: info.size, contentType };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async get(key: string): Promise<{ file: StoredFile; body: Readable } | null> {
    const file = await this.stat(key);
    return file ? { file, body: createReadStream(this.path(key)) } : null;
  }

  async delete(key: string): Promise<void> {
    const path = this.path(key);
    await Promise.all([rm(path, { force: true }), rm(`${path}.meta`, { force: true })]);
  }

  signedUrl(key: string, options: SignedUrlOptions = {}): Promise<string> {
    assertKey(key);
    const expires = Math.floor(Date.now() / 1000) + (options.ttlSeconds ?? this.options.ttlSeconds);
    const query = new URLSearchParams({ expires: String(expires) });
    if (options.downloadName) query.set('name', options.downloadName);
    query.set('signature', this.sign({ key, expires, downloadName: options.downloadName }));
    const path = key.split('/').map(encodeURIComponent).join('/');
    return Promise.resolve(`${this.options.publicUrl}/files/${path}?${query.toString()}`);
  }

  /** Whether a link's signature is right and it has not expired. */
  verifyLink(link: FileLink, signature: string, now = Date.now()): boolean {
    if (!Number.isInteger(link.expires) || link.expires * 1000 < now) return false;
    const expected = Buffer.from(this.sign(link));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(link: FileLink): string {
    return createHmac('sha256', this.options.signingKey)
      .update(`${link.key}\n${link.expires}\n${link.downloadName ?? ''}`)
      .digest('base64url');
  }
}
