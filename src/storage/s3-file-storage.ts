import { type Readable, Transform, pipeline } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertKey, FileStorage, type PutOptions, type SignedUrlOptions, type StoredFile } from './file-storage';
import { StorageLimitExceeded } from './storage.exception';

export interface S3FileStorageOptions {
  /** Any S3-compatible endpoint (MinIO, R2, s3rver…); undefined: AWS for `region`. */
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** `<endpoint>/<bucket>/<key>` instead of `<bucket>.<endpoint>/<key>` (MinIO, s3rver). */
  readonly forcePathStyle: boolean;
  readonly ttlSeconds: number;
}

/** SigV4 presigned URLs live at most 7 days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/**
 * Files in an S3-compatible bucket (`STORAGE_DRIVER=s3`). Uploads are streamed in parts
 * (`@aws-sdk/lib-storage`), reads are streamed, and visitors get presigned GetObject URLs that
 * point at the object store itself (`S3_ENDPOINT` must be reachable by whoever gets the link).
 *
 * Checksums are computed and validated only where S3 requires them: the SDK's default CRC32
 * trailers are not understood by older S3-compatible servers.
 */
export class S3FileStorage extends FileStorage {
  private readonly client: S3Client;

  constructor(private readonly options: S3FileStorageOptions) {
    super();
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: Readable | Buffer, options: PutOptions): Promise<StoredFile> {
    assertKey(key);
    const target = { Bucket: this.options.bucket, Key: key, ContentType: options.contentType };
    if (Buffer.isBuffer(body)) {
      if (options.maxBytes !== undefined && body.length > options.maxBytes) {
        throw new StorageLimitExceeded(options.maxBytes);
      }
      await this.client.send(new PutObjectCommand({ ...target, Body: body, ContentLength: body.length }));
      return { key, size: body.length, contentType: options.contentType };
    }
    let size = 0;
    let exceeded: StorageLimitExceeded | undefined;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (options.maxBytes !== undefined && size > options.maxBytes) {
          exceeded = new StorageLimitExceeded(options.maxBytes);
          callback(exceeded);
        } else callback(null, chunk);
      },
    });
    // pipeline: an error on either side destroys both (and fails the upload below).
    const counted = pipeline(body, counter, () => undefined);
    const upload = new Upload({ client: this.client, params: { ...target, Body: counted } });
    counter.once('error', () => void upload.abort().catch(() => undefined));
    try {
      await upload.done();
    } catch (err) {
      // A multipart upload is aborted (its parts removed) by Upload itself; nothing was completed.
      throw exceeded ?? err;
    }
    if (exceeded) throw exceeded;
    return { key, size, contentType: options.contentType };
  }

  async stat(key: string): Promise<StoredFile | null> {
    assertKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return { key, size: head.ContentLength ?? 0, contentType: head.ContentType ?? 'application/octet-stream' };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async get(key: string): Promise<{ file: StoredFile; body: Readable } | null> {
    assertKey(key);
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      const file = {
        key,
        size: object.ContentLength ?? 0,
        contentType: object.ContentType ?? 'application/octet-stream',
      };
      return { file, body: object.Body as Readable };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  signedUrl(key: string, options: SignedUrlOptions = {}): Promise<string> {
    assertKey(key);
    const command = new GetObjectCommand({
      Bucket: this.options.bucket,
      Key: key,
      ...(options.downloadName
        ? { ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(options.downloadName)}` }
        : {}),
    });
    const expiresIn = Math.min(options.ttlSeconds ?? this.options.ttlSeconds, MAX_PRESIGN_SECONDS);
    return getSignedUrl(this.client, command, { expiresIn });
  }

  /** Closes the client's sockets (Nest calls it at shutdown). */
  onModuleDestroy(): void {
    this.client.destroy();
  }
}

function isNotFound(err: unknown): boolean {
  return (
    err instanceof S3ServiceException &&
    (err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata.httpStatusCode === 404)
  );
}
