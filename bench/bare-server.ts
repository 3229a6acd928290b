/**
 * The baseline: bare Fastify with no framework on top, in its own process.
 *   GET  /hello            → {"status":"ok"}
 *   POST /update           → one PostgreSQL UPDATE of a row (when DATABASE_URL is set)
 * Prints `listening <url>` when ready.
 */
import Fastify from 'fastify';
import { Pool } from 'pg';

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.get('/hello', () => ({ status: 'ok' }));

  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const pool = new Pool({ connectionString: databaseUrl, max: 10 });
    await pool.query('CREATE TABLE IF NOT EXISTS bench_rows (id int PRIMARY KEY, n bigint NOT NULL, body jsonb)');
    await pool.query(
      `INSERT INTO bench_rows (id, n, body) SELECT g, 0, '{}' FROM generate_series(1, 1000) g ON CONFLICT DO NOTHING`,
    );
    app.post<{ Body: { id?: number; text?: string } }>('/update', async (request) => {
      const id = (request.body?.id ?? 1) % 1000 || 1;
      const { rows } = await pool.query<{ n: string }>(
        'UPDATE bench_rows SET n = n + 1, body = $2 WHERE id = $1 RETURNING n',
        [id, JSON.stringify({ text: request.body?.text ?? '' })],
      );
      return { n: Number(rows[0]?.n ?? 0) };
    });
    app.addHook('onClose', () => pool.end());
  }

  const url = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  process.stdout.write(`listening ${url}\n`);
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
