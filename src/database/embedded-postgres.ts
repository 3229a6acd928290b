import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EmbeddedService } from '@/common/embedded';

/**
 * Embedded PostgreSQL for machines without one: PGlite (PostgreSQL compiled to WASM) with its data
 * in `<dataDir>/pglite`, served over the PostgreSQL wire protocol on a loopback port so TypeORM
 * and `pg` use it like any server. PGlite is a single connection: use a pool of 1 against it.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedService> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dir = resolve(dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create({ dataDir: dir });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  const address = server.getServerConn();
  return {
    url: `postgres://postgres@${address}/postgres`,
    description: `embedded PostgreSQL (PGlite) on ${address} (data in ${dir})`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
