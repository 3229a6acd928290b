import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileKey, FileStorage } from '@/storage/file-storage';
import { LocalFileStorage } from '@/storage/local-file-storage';
import { S3FileStorage } from '@/storage/s3-file-storage';
import { fileStorageContract } from './support/file-storage-contract';
import { S3Server } from './support/s3-server';
import { startTestApp, type TestApp } from './support/test-app';

/** A test app's links carry PUBLIC_URL (port 0): reach them on the app's real port. */
const onApp = (t: () => TestApp) => (url: string) => {
  const link = new URL(url);
  return `${t().url}${link.pathname}${link.search}`;
};

describe('file storage: STORAGE_DRIVER=local (the default), links served by GET /files/*', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-files-'));
    t = await startTestApp({ STORAGE_DIR: dir });
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('binds the local driver', () => {
    expect(t.app.get(FileStorage)).toBeInstanceOf(LocalFileStorage);
  });

  fileStorageContract(
    () => t.app.get(FileStorage),
    404,
    onApp(() => t),
  );

  it('answers a refused link with a problem that does not say why', async () => {
    const storage = t.app.get(FileStorage);
    const key = fileKey('00000000-0000-4000-8000-000000000001', 'speech', 'x.mp3');
    await storage.put(key, Buffer.from('x'), { contentType: 'audio/mpeg' });
    const link = new URL(onApp(() => t)(await storage.signedUrl(key)));
    const missing = await t.request('GET', `${link.pathname}?expires=${link.searchParams.get('expires')}`);
    const gone = await t.request('GET', `/files/org/none/speech/x.mp3${link.search}`);
    const traversal = await t.request('GET', `/files/..%2F..%2Fetc%2Fpasswd${link.search}`);
    for (const response of [missing, gone, traversal]) {
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 404, code: 'storage.not_found' });
    }
  });
});

describe('file storage: STORAGE_DRIVER=s3 against an S3 stand-in (s3rver)', () => {
  const s3 = new S3Server();
  let t: TestApp;

  beforeAll(async () => {
    await s3.start();
    t = await startTestApp(s3.env());
  });
  afterAll(async () => {
    await t?.close();
    await s3.stop();
  });

  it('binds the S3 driver, whose links point at the object store', async () => {
    const storage = t.app.get(FileStorage);
    expect(storage).toBeInstanceOf(S3FileStorage);
    const key = fileKey('00000000-0000-4000-8000-000000000001', 'speech', 'y.mp3');
    await storage.put(key, Buffer.from('y'), { contentType: 'audio/mpeg' });
    const link = new URL(await storage.signedUrl(key));
    expect(link.origin).toBe(s3.endpoint);
    expect(link.pathname).toBe(`/${s3.bucket}/${key}`);
    // The local route has nothing to serve with this driver.
    const route = await t.request('GET', `/files/${key}?expires=9999999999&signature=x`);
    expect(route.status).toBe(404);
  });

  fileStorageContract(() => t.app.get(FileStorage), 403);
});
