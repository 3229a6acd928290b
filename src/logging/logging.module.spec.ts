import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pinoHttp } from 'pino-http';
import { pinoHttpOptions } from './logging.module';

/** The request line pino-http writes with our options: its fields, their order, nothing secret. */
describe('request log lines', () => {
  let server: Server;
  let url: string;
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        raw.push(chunk.toString());
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const log = pinoHttp(pinoHttpOptions('info'), sink);
    server = createServer((req, res) => {
      (req as IncomingMessage & { id?: string }).id = 'req-1';
      log(req, res);
      res.statusCode = req.url?.startsWith('/fail') ? 503 : 200;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('writes requestId, req, res, responseTime and msg, with the URL redacted and no headers', async () => {
    await fetch(`${url}/api/v1/auth/me?token=secret-value`, { headers: { authorization: 'Bearer top-secret' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const line = lines.at(-1)!;
    expect(Object.keys(line)).toEqual([
      'level',
      'time',
      'pid',
      'hostname',
      'requestId',
      'req',
      'res',
      'responseTime',
      'msg',
    ]);
    expect(line).toMatchObject({
      level: 30,
      requestId: 'req-1',
      req: { id: 'req-1', method: 'GET', url: '/api/v1/auth/me?token=[redacted]' },
      res: { statusCode: 200 },
      msg: 'request completed',
    });
    expect(raw.join('')).not.toContain('top-secret');
    expect(raw.join('')).not.toContain('secret-value');
  });

  it('logs a 5xx as an error line with req, res, err', async () => {
    await fetch(`${url}/fail`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const line = lines.at(-1)!;
    expect(line.level).toBe(50);
    expect(Object.keys(line).slice(4)).toEqual(['requestId', 'req', 'res', 'err', 'responseTime', 'msg']);
    expect(line.res).toEqual({ statusCode: 503 });
    expect((line.err as { message: string }).message).toBe('failed with status code 503');
  });
});
