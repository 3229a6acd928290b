/**
 * Contact search and filtered lists with 1,000,000 contacts in one organization: seeds them with
 * set-based SQL (`generate_series`), then measures p50/p99 of each query shape over the API
 * (sequential requests, one at a time, so latency is the query's and not the queue's) and prints
 * `EXPLAIN (ANALYZE, BUFFERS)` of the SQL each shape runs (the same `contactFilterSql` the API uses).
 *
 *   npm run build && node dist/bench/contacts-queries.js
 *
 * `BENCH_CONTACTS` (1000000), `BENCH_REQUESTS` (200 per shape), `BENCH_CONTACTS_DATABASE_URL`
 * (postgres://postgres@127.0.0.1:5432/parley_bench_contacts, dropped and re-created),
 * `BENCH_REDIS_URL`, `BENCH_SHAPES` (only the shapes whose name contains it).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { OrganizationId } from '../src/access/organization-id';
import {
  contactFilterSql,
  contactOrderSql,
  type ContactFilter,
  type ContactSort,
} from '../src/contacts/contact-filter';
import { CONTACT_COLUMNS, SCAN_WINDOW, secondWindow } from '../src/contacts/contacts.repository';
import { redisUrl, repoRoot, resetDatabase, startServer } from './harness';

const N = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const databaseUrl =
  process.env.BENCH_CONTACTS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parley_bench_contacts';

const FIRST = ['ann', 'bob', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal', 'ivy', 'jon', 'kim', 'lea', 'max', 'ned', 'oli'];
const LAST = ['smith', 'jones', 'brown', 'garcia', 'miller', 'davis', 'lopez', 'wilson', 'moore', 'taylor', 'white'];

/** 1M contacts in one statement per table; created_at rises with n (like UUIDv7 ids and real sign-ups). */
async function seed(db: Client, organizationId: string): Promise<{ tags: string[] }> {
  await db.query(
    `INSERT INTO contact_attribute_definitions (id, organization_id, key, label, type, options)
                  VALUES (gen_random_uuid(), $1, 'plan', 'Plan', 'list', '{free,pro,enterprise}'),
                         (gen_random_uuid(), $1, 'seats', 'Seats', 'number', '{}'),
                         (gen_random_uuid(), $1, 'company', 'Company', 'text', '{}')`,
    [organizationId],
  );
  const tags = await db.query<{ id: string }>(
    `INSERT INTO tags (id, organization_id, name) SELECT gen_random_uuid(), $1, 'tag-' || i FROM generate_series(0, 19) i
     RETURNING id`,
    [organizationId],
  );
  const started = Date.now();
  // Bulk load: the contacts indexes are dropped and built again afterwards (one sort per index
  // instead of a million index insertions), exactly as the migration defined them.
  const indexes = await db.query<{ name: string; definition: string }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
      WHERE tablename = 'contacts' AND indexname NOT IN ('pk_contacts')`,
  );
  for (const index of indexes.rows) await db.query(`DROP INDEX "${index.name}"`);
  // Every contact has one of 20 tags (5% each); one in 200 also has the "rare" tag-19. Bulk load:
  // `tag_ids` is written with the row and contact_tags' triggers (which keep it) are off while
  // contact_tags is loaded set-based; the two are compared afterwards.
  const tagIds = tags.rows.map((r) => r.id);
  await db.query(
    `INSERT INTO contacts (id, organization_id, name, email, phone, attributes, lifecycle_stage, lead_score, source,
                           consents, first_seen_at, last_seen_at, created_at, updated_at, tag_ids)
     SELECT g.id, $1,
            initcap(($2::text[])[1 + n % 15]) || ' ' || initcap(($3::text[])[1 + (n / 15) % 11]) || ' ' || n,
            ($2::text[])[1 + n % 15] || '.' || ($3::text[])[1 + (n / 15) % 11] || '.' || n || '@example' || (n % 97) || '.test',
            '+1415' || lpad(n::text, 7, '0'),
            jsonb_build_object('plan', (ARRAY['free','pro','enterprise'])[1 + n % 3], 'seats', n % 100,
                               'company', 'Company ' || (n % 5000)),
            (ARRAY['lead','subscriber','opportunity','customer','churned'])[1 + (n / 7) % 5],
            n % 100, 'import',
            CASE WHEN n % 3 = 0 THEN '{"email":{"status":"opt_in","source":"form","recordedAt":"2026-01-01T00:00:00.000Z"}}'::jsonb
                 ELSE '{}'::jsonb END,
            now() - interval '730 days' + n * interval '60 seconds',
            CASE WHEN n % 10 = 0 THEN NULL ELSE now() - ((n::bigint * 7919) % 365) * interval '1 day' END,
            now() - interval '730 days' + n * interval '60 seconds', now(),
            ARRAY(SELECT DISTINCT t FROM unnest(ARRAY[($5::uuid[])[1 + abs(hashtext(g.id::text)) % 19]]
                    || CASE WHEN abs(hashtext(g.id::text)) % 200 = 0 THEN ARRAY[($5::uuid[])[20]] ELSE '{}'::uuid[] END) t
                  ORDER BY t)
       FROM (SELECT gen_random_uuid() AS id, n FROM generate_series(1, $4::int) n) g`,
    [organizationId, FIRST, LAST, N, tagIds],
  );
  await db.query('ALTER TABLE contact_tags DISABLE TRIGGER USER');
  await db.query(
    `INSERT INTO contact_tags (organization_id, contact_id, tag_id)
     SELECT $1, c.id, t FROM contacts c, unnest(c.tag_ids) t WHERE c.organization_id = $1`,
    [organizationId],
  );
  await db.query('ALTER TABLE contact_tags ENABLE TRIGGER USER');
  await db.query(`SET maintenance_work_mem = '256MB'`);
  for (const index of indexes.rows) await db.query(index.definition);
  process.stdout.write(
    `contacts and their ${indexes.rows.length} indexes in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
  const drift = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM contacts c
      WHERE c.tag_ids IS DISTINCT FROM ARRAY(SELECT ct.tag_id FROM contact_tags ct WHERE ct.contact_id = c.id ORDER BY ct.tag_id)`,
  );
  if (drift.rows[0]!.n !== 0) throw new Error(`tag_ids differs from contact_tags for ${drift.rows[0]!.n} contacts`);
  await db.query('VACUUM ANALYZE contacts');
  await db.query('VACUUM ANALYZE contact_tags');
  process.stdout.write(`seeded ${N} contacts in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  return { tags: tagIds };
}

interface Shape {
  readonly name: string;
  /** Query strings, taken in turn (so not every request hits the same cached page). */
  readonly queries: readonly string[];
  readonly filter: ContactFilter;
  readonly sort?: ContactSort;
  readonly page2?: boolean;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function main(): Promise<void> {
  await resetDatabase(databaseUrl);
  // LOG_LEVEL info: the harness waits for the "listening" line.
  const app = await startServer('dist/src/main.js', {
    PORT: '0',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `benchc${process.pid}`,
    NODE_ENV: 'development',
  });
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const email = `bench.${Date.now()}@example.com`;
    const registered = await fetch(`${app.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email,
        password: 'correct horse battery staple',
        name: 'Bench',
        organizationName: 'Bench',
      }),
    });
    const account = (await registered.json()) as { accessToken: string; organization: { id: string } };
    const organizationId = account.organization.id;
    const { tags } = await seed(db, organizationId);
    const token = account.accessToken;
    const get = async (
      path: string,
    ): Promise<{ ms: number; body: { nextCursor: string | null; items: unknown[] } }> => {
      const started = performance.now();
      const res = await fetch(`${app.url}/api/v1/contacts${path}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { nextCursor: string | null; items: unknown[] };
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
      return { ms: performance.now() - started, body };
    };
    const week = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const shapes: Shape[] = [
      { name: 'no filter, first page', queries: ['?limit=50'], filter: {} },
      { name: 'keyset page 2', queries: ['?limit=50'], filter: {}, page2: true },
      {
        name: 'search prefix (name/email/phone)',
        queries: ['ann', 'bob.jones', 'kim', '+1415000', 'eve.white.12'].map(
          (s) => `?limit=50&search=${encodeURIComponent(s)}`,
        ),
        filter: { search: 'bob.jones' },
      },
      {
        name: 'search, rare match (full text + prefix)',
        queries: ['Smith 123456', 'company 4321', 'jones 99999', 'garcia 777777'].map(
          (s) => `?limit=50&search=${encodeURIComponent(s)}`,
        ),
        filter: { search: 'company 4321' },
      },
      {
        name: 'tag filter (5%)',
        queries: tags.slice(0, 5).map((id) => `?limit=50&tags=${id}`),
        filter: { tags: [tags[0]!] },
      },
      { name: 'tag filter (rare, 0.5%)', queries: [`?limit=50&tags=${tags[19]}`], filter: { tags: [tags[19]!] } },
      {
        name: 'tags all (two tags)',
        queries: [`?limit=50&tagsAll=${tags[19]},${tags[3]}`],
        filter: { tagsAll: [tags[19]!, tags[3]!] },
      },
      {
        name: 'attribute filter (plan=pro, seats=42)',
        queries: ['?limit=50&attributes[plan]=pro', '?limit=50&attributes[seats]=42'],
        filter: { attributes: { seats: '42' } },
      },
      {
        name: 'lifecycle + last seen range (by last seen)',
        queries: [`?limit=50&sort=lastSeenAt&lifecycle=customer&lastSeenFrom=${week}`],
        filter: { lifecycle: ['customer'], lastSeenFrom: new Date(week) },
        sort: 'lastSeenAt',
      },
      { name: 'opted in by email', queries: ['?limit=50&optIn=email'], filter: { optIn: 'email' } },
    ];
    const types = new Map([
      ['plan', { type: 'list' as const, options: ['free', 'pro', 'enterprise'] }],
      ['seats', { type: 'number' as const, options: [] }],
      ['company', { type: 'text' as const, options: [] }],
    ]);
    const results: { shape: string; p50: number; p99: number; max: number }[] = [];
    const plans: string[] = [];
    // BENCH_SHAPES: only the shapes whose name contains it (e.g. `tag`).
    const only = process.env.BENCH_SHAPES;
    for (const shape of shapes.filter((s) => !only || s.name.includes(only))) {
      const cursors = new Map<string, string>();
      for (const q of shape.queries) {
        const first = await get(q);
        if (shape.page2 && first.body.nextCursor) cursors.set(q, first.body.nextCursor);
      }
      const times: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        const q = shape.queries[i % shape.queries.length]!;
        const path = shape.page2 ? `${q}&cursor=${cursors.get(q)}` : q;
        times.push((await get(path)).ms);
      }
      times.sort((a, b) => a - b);
      const row = { shape: shape.name, p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1)! };
      results.push(row);
      process.stdout.write(`${row.shape.padEnd(45)} p50 ${row.p50.toFixed(1)} ms  p99 ${row.p99.toFixed(1)} ms\n`);

      const where = contactFilterSql(organizationId as OrganizationId, shape.filter, types);
      let cursor: { micros: string | null; id: string } | undefined;
      if (shape.page2) {
        const page = await db.query<{ micros: string; id: string }>(
          `SELECT (extract(epoch FROM created_at) * 1000000)::bigint::text AS micros, id FROM contacts
            WHERE organization_id = $1 ORDER BY created_at DESC, id DESC OFFSET 49 LIMIT 1`,
          [organizationId],
        );
        cursor = page.rows[0];
      }
      const order = contactOrderSql(shape.sort ?? 'createdAt', cursor, where.params.length + 1);
      const params = [...where.params, ...order.params, 51];
      const filtered = where.params.length > 1;
      const cond = order.after ? `${where.sql} AND ${order.after}` : where.sql;
      const select = `SELECT ${CONTACT_COLUMNS}, ${order.cursorColumn} AS cursor_micros`;
      const inOrder = (size: number): string =>
        `${select} FROM (SELECT * FROM contacts c WHERE c.organization_id = $1${order.after ? ` AND ${order.after}` : ''}
                          ORDER BY ${order.orderBy} LIMIT ${size}) c
          WHERE ${cond} ORDER BY ${order.orderBy} LIMIT $${params.length}`;
      const matchesFirst = `${select} FROM contacts c WHERE ${cond} ORDER BY ${order.matchesFirstOrderBy} LIMIT $${params.length}`;
      const lines: string[] = [];
      const explain = async (sql: string, heading: string): Promise<number> => {
        const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
        lines.push(heading, ...plan.rows.map((r) => r['QUERY PLAN']));
        return (await db.query(sql, params)).rows.length;
      };
      // The same steps as ContactsRepository.list.
      if (!filtered) {
        await explain(`${select} FROM contacts c WHERE ${cond} ORDER BY ${order.orderBy} LIMIT $${params.length}`, '');
      } else {
        const found = await explain(inOrder(SCAN_WINDOW), '');
        const second = found >= 51 ? null : secondWindow(found, 51);
        const more =
          second === null
            ? 0
            : await explain(
                inOrder(second),
                `-- ${found} matches in the window: a second look in order, ${second} contacts`,
              );
        if (found < 51 && more < 51) await explain(matchesFirst, '-- fewer than a page in order: the matches first');
      }
      plans.push(`### ${shape.name}\n\n\`\`\`\n${lines.join('\n')}\n\`\`\`\n`);
    }
    const out = join(repoRoot, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, 'contacts-latest.json'),
      JSON.stringify({ contacts: N, requests: REQUESTS, results }, null, 2),
    );
    writeFileSync(join(out, 'contacts-explain.md'), plans.join('\n'));
    process.stdout.write(`\n${plans.join('\n')}`);
  } finally {
    await db.end();
    await app.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
