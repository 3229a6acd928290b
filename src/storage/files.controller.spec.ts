import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { S3FileStorage } from './s3-file-storage';
import { FilesController } from './files.controller';
import { LocalFileStorage } from './local-file-storage';
import { FileLinkInvalid } from './storage.exception';

/** A reply that records what the controller set and sent. */
function fakeReply() {
  const sent: { headers: Record<string, string>; body: unknown } = { headers: {}, body: undefined };
  const reply = {
    headers(values: Record<string, string>) {
      Object.assign(sent.headers, values);
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, sent };
}

async function read(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('FilesController', () => {
  let dir: string;
  let storage: LocalFileStorage;
  let controller: FilesController;
  const key = 'org/o1/speech/a.mp3';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-files-spec-'));
    storage = new LocalFileStorage({
      dir,
      publicUrl: 'https://parley.example',
      signingKey: Buffer.alloc(32, 7),
      ttlSeconds: 60,
    });
    controller = new FilesController(storage);
    await storage.put(key, Buffer.from('mp3 bytes'), { contentType: 'audio/mpeg' });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const params = async (options?: { downloadName?: string; ttlSeconds?: number }) => {
    const url = new URL(await storage.signedUrl(key, options));
    expect(url.origin + url.pathname).toBe(`https://parley.example/files/${key}`);
    return {
      expires: url.searchParams.get('expires') ?? undefined,
      name: url.searchParams.get('name') ?? undefined,
      signature: url.searchParams.get('signature') ?? undefined,
    };
  };

  it('sends the file inline with its type, length and safe headers', async () => {
    const { expires, name, signature } = await params();
    const { reply, sent } = fakeReply();
    await controller.file(key, expires, name, signature, reply);
    expect(sent.headers).toMatchObject({
      'content-type': 'audio/mpeg',
      'content-length': '9',
      'content-disposition': 'inline',
      'x-content-type-options': 'nosniff',
    });
    await expect(read(sent.body as Readable)).resolves.toBe('mp3 bytes');
  });

  it('sends it as a named attachment when the link names it', async () => {
    const { expires, name, signature } = await params({ downloadName: 'answer 1.mp3' });
    const { reply, sent } = fakeReply();
    await controller.file(key, expires, name, signature, reply);
    expect(sent.headers['content-disposition']).toBe("attachment; filename*=UTF-8''answer%201.mp3");
    (sent.body as Readable).destroy();
  });

  it('refuses missing, malformed, tampered and expired links alike', async () => {
    const good = await params();
    const expired = await params({ ttlSeconds: -5 });
    const cases: [string, string | undefined, string | undefined, string | undefined][] = [
      [key, good.expires, undefined, undefined],
      [key, undefined, undefined, good.signature],
      [key, 'soon', undefined, good.signature],
      [key, String(Number(good.expires) + 1), undefined, good.signature],
      [key, good.expires, 'renamed.mp3', good.signature],
      ['org/o1/speech/b.mp3', good.expires, undefined, good.signature],
      ['../etc/passwd', good.expires, undefined, good.signature],
      [key, expired.expires, undefined, expired.signature],
    ];
    for (const [k, expires, name, signature] of cases) {
      await expect(controller.file(k, expires, name, signature, fakeReply().reply)).rejects.toBeInstanceOf(
        FileLinkInvalid,
      );
    }
  });

  it('answers 404 when the configured driver is not the local one', async () => {
    const s3 = new S3FileStorage({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      bucket: 'b',
      accessKeyId: 'k',
      secretAccessKey: 's',
      forcePathStyle: true,
      ttlSeconds: 60,
    });
    const good = await params();
    await expect(
      new FilesController(s3).file(key, good.expires, undefined, good.signature, fakeReply().reply),
    ).rejects.toBeInstanceOf(FileLinkInvalid);
    s3.onModuleDestroy();
  });
});
