import type { Readable } from 'node:stream';

/** What is known about a stored file. */
export interface StoredFile {
  readonly key: string;
  readonly size: number;
  readonly contentType: string;
}

export interface PutOptions {
  readonly contentType: string;
  /** Refuse (`StorageLimitExceeded`) and remove what was written once the body passes this many bytes. */
  readonly maxBytes?: number;
}

export interface SignedUrlOptions {
  /** Default `SIGNED_URL_TTL_SECONDS`. */
  readonly ttlSeconds?: number;
  /** Served as an attachment with this file name (else inline). */
  readonly downloadName?: string;
}

/**
 * Where Parley keeps files: uploads (contacts imports), generated audio (speech), exports,
 * recordings. One interface, two drivers: a local directory (`STORAGE_DRIVER=local`, the default)
 * and any S3-compatible object store (`s3`), so API processes and workers on different machines
 * share files. Inject `FileStorage`; `StorageModule` binds the configured driver.
 *
 * Keys are relative paths of `[A-Za-z0-9._-]` segments joined by `/` (see `assertKey`), made by the
 * caller, always under the organization: `org/<organizationId>/<area>/<id>.<ext>` (`fileKey`).
 * Bodies are streamed both ways; nothing is held in memory whole.
 */
export abstract class FileStorage {
  /** Stores `body` under `key` (replacing what was there); resolves once it is durable. */
  abstract put(key: string, body: Readable | Buffer, options: PutOptions): Promise<StoredFile>;
  /** The file's content, or null when there is none. */
  abstract get(key: string): Promise<{ file: StoredFile; body: Readable } | null>;
  abstract stat(key: string): Promise<StoredFile | null>;
  /** Removes the file; no error when it is already gone. */
  abstract delete(key: string): Promise<void>;
  /** A URL anyone holding it may GET the file by, until it expires (visitors' audio, downloads). */
  abstract signedUrl(key: string, options?: SignedUrlOptions): Promise<string>;
}

const SEGMENT = /^[A-Za-z0-9._-]{1,200}$/;

/** Throws unless `key` is a safe relative path (no `..`, no absolute paths, no odd characters). */
export function assertKey(key: string): void {
  const segments = key.split('/');
  if (key.length > 1000 || segments.some((s) => !SEGMENT.test(s) || s === '.' || s === '..')) {
    throw new Error(`invalid storage key "${key.slice(0, 100)}"`);
  }
}

/** `org/<organizationId>/<area>/<name>`: every file belongs to an organization. */
export const fileKey = (organizationId: string, area: string, name: string): string =>
  `org/${organizationId}/${area}/${name}`;
