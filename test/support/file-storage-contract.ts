import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { fileKey, type FileStorage } from '@/storage/file-storage';
import { StorageLimitExceeded } from '@/storage/storage.exception';

/**
 * What every `FileStorage` driver must do, as seen by its callers and by whoever fetches a signed
 * URL with plain `fetch`. Call inside a `describe`, with the storage under test (built in a
 * `beforeAll`, hence the getter) and how a refused link answers (404 for the local route, 403 for
 * an object store).
 */
export function fileStorageContract(
  storage: () => FileStorage,
  refusedStatus: number,
  /** Where the test reaches a link (a test app's PUBLIC_URL is not its random port). */
  reach: (url: string) => string = (url) => url,
): void {
  const fetch = (url: string | URL) => globalThis.fetch(reach(url.toString()));
  const org = randomUUID();
  const key = (name: string) => fileKey(org, 'contract', `${randomUUID()}-${name}`);
  const text = async (body: Readable): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  };
  /** A stream of `count` chunks of `size` bytes, produced lazily. */
  const chunks = (count: number, size: number) =>
    Readable.from(
      (function* () {
        for (let i = 0; i < count; i++) yield Buffer.alloc(size, 97 + (i % 26));
      })(),
    );

  it('stores a buffer, then stats, gets and deletes it', async () => {
    const k = key('a.txt');
    await expect(storage().put(k, Buffer.from('hello'), { contentType: 'text/plain' })).resolves.toEqual({
      key: k,
      size: 5,
      contentType: 'text/plain',
    });
    await expect(storage().stat(k)).resolves.toEqual({ key: k, size: 5, contentType: 'text/plain' });
    const got = await storage().get(k);
    expect(got?.file).toEqual({ key: k, size: 5, contentType: 'text/plain' });
    await expect(text(got!.body)).resolves.toBe('hello');
    await storage().delete(k);
    await expect(storage().stat(k)).resolves.toBeNull();
    await expect(storage().get(k)).resolves.toBeNull();
    await expect(storage().delete(k)).resolves.toBeUndefined(); // already gone: no error
  });

  it('streams a body in, replacing what was there', async () => {
    const k = key('stream.bin');
    await storage().put(k, Buffer.from('old'), { contentType: 'text/plain' });
    const stored = await storage().put(k, chunks(64, 1024), { contentType: 'application/octet-stream' });
    expect(stored).toEqual({ key: k, size: 64 * 1024, contentType: 'application/octet-stream' });
    const got = await storage().get(k);
    expect(got?.file.size).toBe(64 * 1024);
    const content = await text(got!.body);
    expect(content.length).toBe(64 * 1024);
    expect(content.slice(0, 3)).toBe('aaa');
  });

  it('streams a body larger than one upload part (5 MiB), and refuses one over maxBytes after the first part', async () => {
    const k = key('large.bin');
    await expect(storage().put(k, chunks(12, 1024 * 1024), { contentType: 'application/zip' })).resolves.toEqual({
      key: k,
      size: 12 * 1024 * 1024,
      contentType: 'application/zip',
    });
    await expect(storage().stat(k)).resolves.toMatchObject({ size: 12 * 1024 * 1024, contentType: 'application/zip' });
    const tooLarge = key('too-large.bin');
    await expect(
      storage().put(tooLarge, chunks(12, 1024 * 1024), { contentType: 'application/zip', maxBytes: 7 * 1024 * 1024 }),
    ).rejects.toBeInstanceOf(StorageLimitExceeded);
    await expect(storage().stat(tooLarge)).resolves.toBeNull();
    await storage().delete(k);
  });

  it('refuses a body over maxBytes and keeps nothing of it', async () => {
    const small = key('small.bin');
    await expect(
      storage().put(small, Buffer.alloc(11), { contentType: 'application/octet-stream', maxBytes: 10 }),
    ).rejects.toBeInstanceOf(StorageLimitExceeded);
    await expect(storage().stat(small)).resolves.toBeNull();

    const big = key('big.bin');
    await expect(
      storage().put(big, chunks(40, 1024), { contentType: 'application/octet-stream', maxBytes: 16 * 1024 }),
    ).rejects.toBeInstanceOf(StorageLimitExceeded);
    await expect(storage().stat(big)).resolves.toBeNull();

    const exact = key('exact.bin');
    await expect(
      storage().put(exact, chunks(16, 1024), { contentType: 'application/octet-stream', maxBytes: 16 * 1024 }),
    ).resolves.toMatchObject({ size: 16 * 1024 });
  });

  it('refuses keys that are not safe relative paths', async () => {
    for (const bad of ['../x', '/abs', 'a//b', 'a/../b', 'a b']) {
      await expect(storage().stat(bad)).rejects.toThrow(/invalid storage key/);
      await expect(storage().put(bad, Buffer.from('x'), { contentType: 'text/plain' })).rejects.toThrow(
        /invalid storage key/,
      );
    }
  });

  it('serves a file by its signed URL with its content type, inline or as a named attachment', async () => {
    const k = key('voice.mp3');
    await storage().put(k, Buffer.from('ID3 fake mp3'), { contentType: 'audio/mpeg' });
    const inline = await fetch(await storage().signedUrl(k));
    expect(inline.status).toBe(200);
    expect(inline.headers.get('content-type')).toBe('audio/mpeg');
    expect(inline.headers.get('content-disposition') ?? 'inline').toMatch(/^inline/);
    expect(await inline.text()).toBe('ID3 fake mp3');

    const named = await fetch(await storage().signedUrl(k, { downloadName: 'réponse vocale.mp3' }));
    expect(named.status).toBe(200);
    expect(named.headers.get('content-disposition')).toBe(
      `attachment; filename*=UTF-8''${encodeURIComponent('réponse vocale.mp3')}`,
    );
    expect(await named.text()).toBe('ID3 fake mp3');
  });

  it('refuses tampered and expired signed URLs', async () => {
    const k = key('private.txt');
    const other = key('other.txt');
    await storage().put(k, Buffer.from('classified-content'), { contentType: 'text/plain' });
    await storage().put(other, Buffer.from('other'), { contentType: 'text/plain' });
    const url = new URL(await storage().signedUrl(k, { ttlSeconds: 60 }));

    const anotherKey = new URL(url);
    anotherKey.pathname = url.pathname.replace(/[^/]+$/, other.split('/').pop()!);
    const badSignature = new URL(url);
    for (const name of ['signature', 'X-Amz-Signature']) {
      const value = url.searchParams.get(name);
      if (value) badSignature.searchParams.set(name, `${value.slice(0, -2)}${value.endsWith('00') ? '11' : '00'}`);
    }
    const longerLife = new URL(url);
    for (const name of ['expires', 'X-Amz-Expires']) {
      const value = url.searchParams.get(name);
      if (value) longerLife.searchParams.set(name, String(Number(value) + 3600));
    }
    const addedName = new URL(url);
    addedName.searchParams.set(url.searchParams.has('signature') ? 'name' : 'response-content-disposition', 'x');
    for (const tampered of [anotherKey, badSignature, longerLife, addedName]) {
      const response = await fetch(tampered);
      expect({ url: tampered.toString(), status: response.status }).toEqual({
        url: tampered.toString(),
        status: refusedStatus,
      });
      expect(await response.text()).not.toContain('classified');
    }

    // Signed in the past: already expired (a link made with a negative lifetime).
    const expired = await storage().signedUrl(k, { ttlSeconds: -1 });
    const response = await fetch(expired);
    expect(response.status).toBe(refusedStatus);
    expect(await response.text()).not.toContain('classified');
  });
}
