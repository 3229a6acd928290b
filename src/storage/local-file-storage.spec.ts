import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { assertKey, fileKey } from './file-storage';
import { LocalFileStorage } from './local-file-storage';
import { StorageLimitExceeded } from './storage.exception';

describe('LocalFileStorage', () => {
  let dir: string;
  let storage: LocalFileStorage;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-files-'));
    storage = new LocalFileStorage({
      dir,
      publicUrl: 'https://chat.example.com',
      signingKey: Buffer.alloc(32, 7),
      ttlSeconds: 60,
    });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const key = fileKey('org-1', 'speech', 'a.mp3');

  it('stores a stream and reads it back with its content type', async () => {
    const stored = await storage.put(key, Readable.from([Buffer.from('ab'), Buffer.from('cd')]), {
      contentType: 'audio/mpeg',
    });
    expect(stored).toEqual({ key, size: 4, contentType: 'audio/mpeg' });
    const found = await storage.get(key);
    expect(found?.file).toEqual(stored);
    expect(await text(found!.body)).toBe('abcd');
    await storage.delete(key);
    expect(await storage.stat(key)).toBeNull();
    await expect(storage.delete(key)).resolves.toBeUndefined();
  });

  it('refuses a body over maxBytes and leaves nothing behind', async () => {
    const big = Readable.from([Buffer.alloc(600), Buffer.alloc(600)]);
    await expect(storage.put(key, big, { contentType: 'text/csv', maxBytes: 1000 })).rejects.toBeInstanceOf(
      StorageLimitExceeded,
    );
    expect(await storage.stat(key)).toBeNull();
    expect(readdirSync(join(dir, 'org/org-1/speech'))).toEqual([]);
  });

  it('signs links that expire and break when anything is changed', async () => {
    const url = new URL(await storage.signedUrl(key, { downloadName: 'hello.mp3' }));
    expect(url.origin + url.pathname).toBe('https://chat.example.com/files/org/org-1/speech/a.mp3');
    const link = { key, expires: Number(url.searchParams.get('expires')), downloadName: 'hello.mp3' };
    const signature = url.searchParams.get('signature')!;
    expect(storage.verifyLink(link, signature)).toBe(true);
    expect(storage.verifyLink({ ...link, key: fileKey('org-2', 'speech', 'a.mp3') }, signature)).toBe(false);
    expect(storage.verifyLink({ ...link, downloadName: undefined }, signature)).toBe(false);
    expect(storage.verifyLink({ ...link, expires: link.expires + 1 }, signature)).toBe(false);
    expect(storage.verifyLink(link, signature, (link.expires + 1) * 1000)).toBe(false);
    expect(storage.verifyLink(link, 'x')).toBe(false);
  });

  it('accepts only safe relative keys', () => {
    for (const bad of ['../etc/passwd', '/abs', 'a//b', 'a/./b', 'a/b c', '']) {
      expect(() => assertKey(bad)).toThrow(/invalid storage key/);
    }
    expect(() => assertKey(key)).not.toThrow();
  });
});
