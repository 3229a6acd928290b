import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv, uploadImport, waitForImport } from './support/contact-imports';
import { Client } from 'pg';
import { addMember, register, type Account } from './support/identity';
import { repoRoot, type SpawnedParley, spawnParley } from './support/process';
import { S3Server } from './support/s3-server';
import { startTestApp, type TestApp } from './support/test-app';
import { databaseUrl, testRedisUrl } from './support/test-env';

const storageDir = mkdtempSync(join(tmpdir(), 'parley-imports-'));
afterAll(() => rmSync(storageDir, { recursive: true, force: true }));

describe('contacts CSV import', () => {
  let t: TestApp;
  let admin: Account;

  beforeAll(async () => {
    t = await startTestApp({ STORAGE_DIR: storageDir });
    admin = await register(t);
  });
  afterAll(() => t.close());

  const contactsOf = (organizationId: string) =>
    t.sql<{
      name: string | null;
      email: string | null;
      phone: string | null;
      attributes: Record<string, unknown>;
      source: string | null;
    }>(
      `SELECT name, email, phone, attributes, source FROM contacts WHERE organization_id = $1 ORDER BY email NULLS LAST, phone`,
      [organizationId],
    );

  it('takes an upload (202), progresses and completes with exact counts, bad rows in errors.csv', async () => {
    const csv = [
      'E-mail,Phone number,First name,Last name,Notes',
      'ada@example.com,+44 20 7946 0958,Ada,Lovelace,first',
      'GRACE@Example.com,,Grace,Hopper,second',
      'not-an-email,,Bad,Email,third',
      ',+1 202 555 0199,Only,Phone,fourth',
      ',12345,Bad,Phone,fifth',
      'ada@example.com,,Ada,Again,duplicate',
      ',,No,Identity,sixth',
      'alan@example.com,,Alan,"Turing, A.",quoted',
    ].join('\n');
    const res = await uploadImport(t, admin.accessToken, csv, { fields: { tags: 'fair-2026, VIP' } });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/api/v1/contacts/imports/${res.body.id}`);
    expect(res.body).toMatchObject({ status: 'queued', dedupe: 'skip', tags: ['fair-2026', 'VIP'] });

    const { seen, last } = await waitForImport(t, admin.accessToken, res.body.id);
    expect(seen[seen.length - 1]).toBe('completed');
    expect(last.counts).toEqual({ total: 8, processed: 8, created: 4, updated: 0, skipped: 1, failed: 3 });
    expect(last.progress).toBe(1);
    expect(last.mapping).toEqual({
      'E-mail': 'email',
      'Phone number': 'phone',
      'First name': 'firstName',
      'Last name': 'lastName',
      Notes: 'ignore',
    });
    expect(last.startedAt).not.toBeNull();
    expect(last.finishedAt).not.toBeNull();

    expect(await contactsOf(admin.organizationId)).toEqual([
      { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+442079460958', attributes: {}, source: 'import' },
      { name: 'Alan Turing, A.', email: 'alan@example.com', phone: null, attributes: {}, source: 'import' },
      { name: 'Grace Hopper', email: 'grace@example.com', phone: null, attributes: {}, source: 'import' },
      { name: 'Only Phone', email: null, phone: '+12025550199', attributes: {}, source: 'import' },
    ]);
    const tagged = await t.sql<{ name: string; n: number }>(
      `SELECT g.name, count(*)::int AS n FROM contact_tags ct JOIN tags g ON g.id = ct.tag_id
        WHERE ct.organization_id = $1 GROUP BY g.name ORDER BY lower(g.name)`,
      [admin.organizationId],
    );
    expect(tagged).toEqual([
      { name: 'fair-2026', n: 4 },
      { name: 'VIP', n: 4 },
    ]);
    // The set-based insert into contact_tags keeps contacts.tag_ids exact (triggers on contact_tags).
    const drift = await t.sql<{ n: number; tagged: number }>(
      `SELECT count(*) FILTER (WHERE c.tag_ids IS DISTINCT FROM
                 ARRAY(SELECT ct.tag_id FROM contact_tags ct WHERE ct.contact_id = c.id ORDER BY ct.tag_id))::int AS n,
              count(*) FILTER (WHERE cardinality(c.tag_ids) = 2)::int AS tagged
         FROM contacts c WHERE c.organization_id = $1`,
      [admin.organizationId],
    );
    expect(drift).toEqual([{ n: 0, tagged: 4 }]);

    const errors = await t.request('GET', `/api/v1/contacts/imports/${res.body.id}/errors.csv`, {
      token: admin.accessToken,
    });
    expect(errors.status).toBe(200);
    expect(errors.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(parseCsv(errors.text)).toEqual([
      ['row', 'outcome', 'reason', 'E-mail', 'Phone number', 'First name', 'Last name', 'Notes'],
      ['4', 'failed', 'Invalid email "not-an-email".', 'not-an-email', '', 'Bad', 'Email', 'third'],
      [
        '6',
        'failed',
        'Invalid phone number "12345": write it with +<country code>.',
        '',
        '12345',
        'Bad',
        'Phone',
        'fifth',
      ],
      [
        '7',
        'skipped',
        'Duplicate in the file: its email or phone number is on an earlier row.',
        'ada@example.com',
        '',
        'Ada',
        'Again',
        'duplicate',
      ],
      ['8', 'failed', 'The row has neither an email nor a phone number.', '', '', 'No', 'Identity', 'sixth'],
    ]);
  });

  const definePlan = (organizationId: string) =>
    t.sql(
      `INSERT INTO contact_attribute_definitions (id, organization_id, key, label, type, options)
       VALUES (gen_random_uuid(), $1, 'plan', 'Plan', 'list', '{free,pro}')`,
      [organizationId],
    );

  /** An organization with five contacts the dedupe file meets (see the file below). */
  async function seededOrganization(): Promise<Account> {
    const owner = await register(t);
    await definePlan(owner.organizationId);
    const existing: [string, string | null, string | null, string][] = [
      ['Old Name', 'Old@Example.com', null, '{"plan":"free","since":2020}'],
      ['Phone Person', null, '+12025550100', '{}'],
      ['X by email', 'x@example.com', null, '{}'],
      ['X by phone', null, '+12025550101', '{}'],
      ['Both', 'both@example.com', '+12025550102', '{}'],
    ];
    for (const [name, email, phone, attributes] of existing) {
      await t.sql(
        `INSERT INTO contacts (id, organization_id, name, email, phone, attributes) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5)`,
        [owner.organizationId, name, email, phone, attributes],
      );
    }
    return owner;
  }

  const dedupeFile = [
    'email,phone,name,Plan',
    'old@example.com,,New Name,pro', // 2: existing "Old Name" by email (case-insensitive)
    ',+1 202 555 0100,Renamed,', // 3: existing "Phone Person" by phone
    'x@example.com,+1 202 555 0101,Two Contacts,', // 4: email and phone match two contacts
    'new@example.com,,Newbie,free', // 5: new
    'both@example.com,,Both Again,', // 6: existing "Both" by email
    'other@example.com,+1 202 555 0102,Both By Phone,', // 7: the same contact again, by phone
    'bad@example.com,,Bad Plan,gold', // 8: not an option of the list attribute
  ].join('\n');

  it.each([
    ['skip', { created: 1, updated: 0, skipped: 4, failed: 2 }],
    ['update', { created: 1, updated: 3, skipped: 1, failed: 2 }],
    ['create_only', { created: 1, updated: 0, skipped: 1, failed: 5 }],
  ] as const)('dedupe %s: counts and stored contacts', async (dedupe, counts) => {
    const owner = await seededOrganization();
    const res = await uploadImport(t, owner.accessToken, dedupeFile, { fields: { dedupe } });
    expect(res.status).toBe(202);
    const { last } = await waitForImport(t, owner.accessToken, res.body.id);
    expect(last).toMatchObject({ status: 'completed', dedupe });
    expect(last.counts).toEqual({ total: 7, processed: 7, ...counts });
    expect(last.mapping).toMatchObject({ email: 'email', phone: 'phone', name: 'name', Plan: 'attributes.plan' });

    const stored = await contactsOf(owner.organizationId);
    const byName = (name: string) => stored.find((c) => c.name === name);
    expect(stored).toHaveLength(6);
    expect(byName('Newbie')).toMatchObject({
      email: 'new@example.com',
      attributes: { plan: 'free' },
      source: 'import',
    });
    if (dedupe === 'update') {
      expect(byName('New Name')).toMatchObject({ email: 'Old@Example.com', attributes: { plan: 'pro', since: 2020 } });
      expect(byName('Renamed')).toMatchObject({ phone: '+12025550100' });
      expect(byName('Both Again')).toMatchObject({ email: 'both@example.com', phone: '+12025550102' });
    } else {
      expect(byName('Old Name')).toMatchObject({ email: 'Old@Example.com', attributes: { plan: 'free', since: 2020 } });
      expect(byName('Phone Person')).toBeDefined();
      expect(byName('Both')).toBeDefined();
    }

    const errors = parseCsv(
      (await t.request('GET', `/api/v1/contacts/imports/${res.body.id}/errors.csv`, { token: owner.accessToken })).text,
    );
    const reasons = errors.slice(1).map(([row, outcome, reason]) => `${row} ${outcome} ${reason}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^4 failed The email matches contact .* and the phone number matches another contact/),
        '7 skipped Duplicate in the file: an earlier row matches the same contact.',
        '8 failed Attribute "plan": "gold" is not one of free, pro.',
      ]),
    );
    expect(reasons).toHaveLength(
      dedupe === 'create_only' ? 6 : 3, // create_only also lists rows 2, 3 and 6
    );
  });

  it('reads Latin-1 files and UTF-8 files with a byte-order mark, with ; as delimiter', async () => {
    const owner = await register(t);
    const latin1 = Buffer.from('email;name\nzoe@example.com;Zoë Ångström\n', 'latin1');
    const bom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('E-mail;Name\r\njose@example.com;José Müller\r\n', 'utf8'),
    ]);
    const first = await uploadImport(t, owner.accessToken, latin1);
    const second = await uploadImport(t, owner.accessToken, bom);
    const a = await waitForImport(t, owner.accessToken, first.body.id);
    const b = await waitForImport(t, owner.accessToken, second.body.id);
    expect(a.last).toMatchObject({ status: 'completed', encoding: 'latin1', delimiter: ';', counts: { created: 1 } });
    expect(b.last).toMatchObject({ status: 'completed', encoding: 'utf-8', delimiter: ';', counts: { created: 1 } });
    expect(b.last.mapping).toEqual({ 'E-mail': 'email', Name: 'name' });
    expect((await contactsOf(owner.organizationId)).map((c) => c.name)).toEqual(['José Müller', 'Zoë Ångström']);
  });

  it('takes an explicit mapping, the lifecycle stage and lead score, and an explicit delimiter', async () => {
    const owner = await register(t);
    const csv = [
      'Contact|Mail|Mobile|Stage|Score|Secret',
      'Kim|kim@example.com|+33 1 23 45 67 89|customer|42|x',
      'Lee|lee@example.com||nonsense|1|y',
      'Max|max@example.com|||many|z',
    ].join('\n');
    const mapping = {
      Contact: 'name',
      Mail: 'email',
      Mobile: 'phone',
      Stage: 'lifecycleStage',
      Score: 'leadScore',
      Secret: null,
    };
    const res = await uploadImport(t, owner.accessToken, csv, {
      fields: { mapping: JSON.stringify(mapping), delimiter: '|', tags: '["imported"]', dedupe: 'update' },
    });
    expect(res.status).toBe(202);
    const { last } = await waitForImport(t, owner.accessToken, res.body.id);
    expect(last.counts).toMatchObject({ created: 1, failed: 2 });
    expect(last.mapping).toEqual({ ...mapping, Secret: 'ignore' });
    const [kim] = await t.sql(
      `SELECT name, phone, lifecycle_stage, lead_score FROM contacts WHERE organization_id = $1`,
      [owner.organizationId],
    );
    expect(kim).toEqual({ name: 'Kim', phone: '+33123456789', lifecycle_stage: 'customer', lead_score: 42 });
    const errors = parseCsv(
      (await t.request('GET', `/api/v1/contacts/imports/${res.body.id}/errors.csv`, { token: owner.accessToken })).text,
    );
    expect(errors.map((r) => r.slice(0, 3))).toEqual([
      ['row', 'outcome', 'reason'],
      ['3', 'failed', 'Unknown lifecycle stage "nonsense" (one of lead, subscriber, opportunity, customer, churned).'],
      ['4', 'failed', 'The lead score "many" is not a whole number.'],
    ]);
  });

  it('fails an import whose mapping does not fit the file, with the reason', async () => {
    const owner = await register(t);
    const noIdentity = await uploadImport(t, owner.accessToken, 'name,city\nA,B\n');
    const missing = await uploadImport(t, owner.accessToken, 'email\na@example.com\n', {
      fields: { mapping: '{"Mail":"email"}' },
    });
    const empty = await uploadImport(t, owner.accessToken, '');
    expect((await waitForImport(t, owner.accessToken, noIdentity.body.id)).last).toMatchObject({
      status: 'failed',
      error: 'No column is mapped to email or phone; a contact is matched and deduplicated by them.',
    });
    expect((await waitForImport(t, owner.accessToken, missing.body.id)).last).toMatchObject({
      status: 'failed',
      error: 'The mapping names columns the file does not have: Mail.',
    });
    expect((await waitForImport(t, owner.accessToken, empty.body.id)).last).toMatchObject({
      status: 'failed',
      error: 'The file is empty.',
    });
    expect(await contactsOf(owner.organizationId)).toEqual([]);
  });

  it('refuses bad fields (400 naming them), JSON bodies (415) and uploads without a file', async () => {
    const csv = 'email\na@example.com\n';
    const badDedupe = await uploadImport(t, admin.accessToken, csv, { fields: { dedupe: 'sometimes' } });
    expect(badDedupe.status).toBe(400);
    expect(badDedupe.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(badDedupe.body.errors.map((e: { field: string }) => e.field)).toEqual(['dedupe']);
    const badMapping = await uploadImport(t, admin.accessToken, csv, { fields: { mapping: '{"email":"emails"}' } });
    expect(badMapping.status).toBe(400);
    expect(badMapping.body.errors.map((e: { field: string }) => e.field)).toEqual(['mapping']);
    const unknown = await uploadImport(t, admin.accessToken, csv, { fields: { owner: 'me' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: { field: string }) => e.field)).toEqual(['owner']);

    const json = await t.request('POST', '/api/v1/contacts/imports', { token: admin.accessToken, body: { file: 'x' } });
    expect(json.status).toBe(415);
    const form = new FormData();
    form.append('dedupe', 'skip');
    const noFile = await fetch(`${t.url}/api/v1/contacts/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.accessToken}` },
      body: form,
    });
    expect(noFile.status).toBe(400);
    // Other routes still refuse multipart bodies.
    const elsewhere = await fetch(`${t.url}/api/v1/departments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.accessToken}` },
      body: form,
    });
    expect(elsewhere.status).toBe(415);
    // Nothing of the refused uploads was kept.
    const imports = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM contact_imports WHERE organization_id = $1`,
      [admin.organizationId],
    );
    expect(imports[0]!.n).toBe(1);
  });

  it('lets viewers read, only org_admins import or cancel, and hides imports from other organizations', async () => {
    const viewer = await addMember(t, admin, 'viewer');
    const agent = await addMember(t, admin, 'agent');
    const outsider = await register(t);
    const csv = 'email\nrole.check@example.com\n';
    expect((await uploadImport(t, viewer.accessToken, csv)).status).toBe(403);
    expect((await uploadImport(t, agent.accessToken, csv)).status).toBe(403);
    const res = await uploadImport(t, admin.accessToken, csv);
    expect(res.status).toBe(202);
    await waitForImport(t, admin.accessToken, res.body.id);
    const path = `/api/v1/contacts/imports/${res.body.id}`;
    expect((await t.request('GET', path, { token: viewer.accessToken })).status).toBe(200);
    expect((await t.request('GET', `${path}/errors.csv`, { token: viewer.accessToken })).status).toBe(200);
    expect((await t.request('POST', `${path}/cancel`, { token: viewer.accessToken })).status).toBe(403);
    expect((await t.request('POST', `${path}/cancel`, { token: agent.accessToken })).status).toBe(403);
    for (const [method, suffix] of [
      ['GET', ''],
      ['GET', '/errors.csv'],
      ['POST', '/cancel'],
    ] as const) {
      const foreign = await t.request(method, `${path}${suffix}`, { token: outsider.accessToken });
      expect([method, suffix, foreign.status]).toEqual([method, suffix, 404]);
      expect(foreign.text).not.toContain('role.check@example.com');
    }
    // Finished: cancel is a conflict.
    const late = await t.request('POST', `${path}/cancel`, { token: admin.accessToken });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('contact_import.finished');
  });
});

describe('contacts CSV import: size limit', () => {
  it('answers 413 past CONTACTS_IMPORT_MAX_BYTES and keeps nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-imports-limit-'));
    const t = await startTestApp({ STORAGE_DIR: dir, CONTACTS_IMPORT_MAX_BYTES: '2048' });
    try {
      const admin = await register(t);
      const big = `email\n${Array.from({ length: 300 }, (_, i) => `user${i}@example.com`).join('\n')}\n`;
      const res = await uploadImport(t, admin.accessToken, big);
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('storage.too_large');
      expect(await t.sql('SELECT id FROM contact_imports')).toEqual([]);
      const small = await uploadImport(t, admin.accessToken, 'email\nfits@example.com\n');
      expect(small.status).toBe(202);
      expect((await waitForImport(t, admin.accessToken, small.body.id)).last.counts.created).toBe(1);
    } finally {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * A file of `rows` data rows: every 50th row has a bad email (failed), every 40th repeats the
 * email of the row before it (skipped, duplicate in the file); the rest are new contacts.
 */
function generatedFile(rows: number, emailOf = (i: number) => `person${i}@example.com`) {
  const lines = ['email,name,city'];
  let failed = 0;
  let skipped = 0;
  for (let i = 1; i <= rows; i++) {
    if (i % 50 === 0) {
      lines.push(`broken-${i},Broken ${i},Nowhere`);
      failed++;
    } else if (i % 40 === 0) {
      lines.push(`${emailOf(i - 1)},Again ${i},Elsewhere`);
      skipped++;
    } else lines.push(`${emailOf(i)},Person ${i},"Town, ${i % 7}"`);
  }
  return { csv: `${lines.join('\n')}\n`, counts: { total: rows, failed, skipped, created: rows - failed - skipped } };
}

describe('contacts CSV import across processes (API + worker processes)', () => {
  const settings = { QUEUE_LOCK_DURATION_MS: '2000', QUEUE_STALLED_INTERVAL_MS: '1000' };
  const dir = mkdtempSync(join(tmpdir(), 'parley-imports-procs-'));
  let api: TestApp;
  let admin: Account;
  let pg: Client;
  const workers: SpawnedParley[] = [];

  const spawnWorker = async (env: Record<string, string> = {}): Promise<SpawnedParley> => {
    const worker = spawnParley({
      PORT: '0',
      LOG_LEVEL: 'info',
      APP_ROLE: 'worker',
      DATABASE_URL: databaseUrl(api.databaseName),
      DATABASE_MIGRATE_ON_BOOT: 'false',
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: api.config.redis.keyPrefix,
      JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
      ENCRYPTION_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
      STORAGE_DIR: dir,
      ...settings,
      ...env,
    });
    workers.push(worker);
    await worker.url;
    return worker;
  };
  const kill = async (worker: SpawnedParley): Promise<void> => {
    worker.child.kill('SIGKILL');
    await worker.exit;
  };
  const importRow = async (id: string) =>
    (
      await api.sql<{ status: string; processed: number; attempts: number }>(
        'SELECT status, processed, attempts FROM contact_imports WHERE id = $1',
        [id],
      )
    )[0]!;
  const until = async (what: string, check: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + 60_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  /** Holds the organization's merge lock (the one the worker's merge transaction takes) until `release`. */
  const holdMergeLock = async (organizationId: string) => {
    await pg.query('BEGIN');
    await pg.query(`SELECT pg_advisory_xact_lock(hashtextextended('contact-import:' || $1, 0))`, [organizationId]);
    return { release: () => pg.query('ROLLBACK') };
  };
  const contactCount = async (organizationId: string) =>
    (
      await api.sql<{ n: number }>('SELECT count(*)::int AS n FROM contacts WHERE organization_id = $1', [
        organizationId,
      ])
    )[0]!.n;

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'dist/src/main.js'))) throw new Error('Run `npm run build` first.');
    api = await startTestApp({ APP_ROLE: 'api', STORAGE_DIR: dir, ...settings });
    admin = await register(api);
    pg = new Client({ connectionString: databaseUrl(api.databaseName) });
    await pg.connect();
  });
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exit));
    await pg.end();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cancels a queued import at once; a worker started later leaves it alone', async () => {
    const owner = await register(api);
    const res = await uploadImport(api, owner.accessToken, 'email\nqueued@example.com\n');
    expect(res.status).toBe(202);
    const canceled = await api.request('POST', `/api/v1/contacts/imports/${res.body.id}/cancel`, {
      token: owner.accessToken,
    });
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ status: 'canceled', cancelRequested: true });
    expect(canceled.body.finishedAt).not.toBeNull();
    const again = await api.request('POST', `/api/v1/contacts/imports/${res.body.id}/cancel`, {
      token: owner.accessToken,
    });
    expect(again.status).toBe(409);
    const worker = await spawnWorker();
    // A later import of the same organization runs; the canceled one stays canceled and empty.
    const later = await uploadImport(api, owner.accessToken, 'email\nlater@example.com\n');
    expect((await waitForImport(api, owner.accessToken, later.body.id)).last.status).toBe('completed');
    expect((await importRow(res.body.id)).status).toBe('canceled');
    expect(await contactCount(owner.organizationId)).toBe(1);
    await kill(worker);
  }, 60_000);

  it('cancels a running import: nothing of it is kept', async () => {
    const owner = await register(api);
    const { csv } = generatedFile(100_000);
    const res = await uploadImport(api, owner.accessToken, csv);
    const worker = await spawnWorker();
    // Hold the import at its next progress report, then cancel: the worker sees it there.
    await until('the first progress report', async () => (await importRow(res.body.id)).processed > 0);
    await pg.query('BEGIN');
    await pg.query('SELECT 1 FROM contact_imports WHERE id = $1 FOR UPDATE', [res.body.id]);
    const cancel = api.request('POST', `/api/v1/contacts/imports/${res.body.id}/cancel`, { token: owner.accessToken });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await pg.query('ROLLBACK');
    expect((await cancel).status).toBe(200);
    const { last } = await waitForImport(api, owner.accessToken, res.body.id);
    expect(last.status).toBe('canceled');
    expect(last.counts).toMatchObject({ created: 0, updated: 0, skipped: 0, failed: 0 });
    expect(await contactCount(owner.organizationId)).toBe(0);
    expect(await api.sql('SELECT 1 FROM contact_import_errors WHERE import_id = $1', [res.body.id])).toEqual([]);
    const staging = await api.sql<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [
      `contact_import_staging_${(res.body.id as string).replace(/-/g, '')}`,
    ]);
    expect(staging[0]!.t).toBeNull();
    await kill(worker);
  }, 90_000);

  it('a worker killed while reading the file: the next one restarts cleanly, counts exact, no duplicates', async () => {
    const owner = await register(api);
    const { csv, counts } = generatedFile(120_000);
    const res = await uploadImport(api, owner.accessToken, csv);
    expect(res.status).toBe(202);
    const first = await spawnWorker();
    await until('the first progress report', async () => (await importRow(res.body.id)).processed > 0);
    // Freeze the worker at its next report (rows half staged in an open COPY), then kill it.
    await pg.query('BEGIN');
    await pg.query('SELECT 1 FROM contact_imports WHERE id = $1 FOR UPDATE', [res.body.id]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      (await api.sql<{ status: string }>('SELECT status FROM contact_imports WHERE id = $1', [res.body.id]))[0]!.status,
    ).toBe('validating');
    await kill(first);
    await pg.query('ROLLBACK');

    const second = await spawnWorker();
    const { last } = await waitForImport(api, owner.accessToken, res.body.id, { timeoutMs: 90_000 });
    expect(last.status).toBe('completed');
    expect(last.counts).toEqual({ ...counts, processed: counts.total, updated: 0 });
    expect(await contactCount(owner.organizationId)).toBe(counts.created);
    expect((await importRow(res.body.id)).attempts).toBe(2);
    const errors = await api.sql<{ n: number }>(
      'SELECT count(*)::int AS n FROM contact_import_errors WHERE import_id = $1',
      [res.body.id],
    );
    expect(errors[0]!.n).toBe(counts.failed + counts.skipped);
    await kill(second);
  }, 120_000);

  it('a worker killed during the merge: nothing half-merged, the next one resumes the merge', async () => {
    const owner = await register(api);
    const { csv, counts } = generatedFile(30_000);
    const lock = await holdMergeLock(owner.organizationId);
    const res = await uploadImport(api, owner.accessToken, csv);
    const first = await spawnWorker();
    await until('the merge', async () => (await importRow(res.body.id)).status === 'importing');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await kill(first);
    await lock.release();
    expect(await contactCount(owner.organizationId)).toBe(0);

    const second = await spawnWorker();
    const { last } = await waitForImport(api, owner.accessToken, res.body.id, { timeoutMs: 90_000 });
    expect(last.status).toBe('completed');
    expect(last.counts).toEqual({ ...counts, processed: counts.total, updated: 0 });
    expect(await contactCount(owner.organizationId)).toBe(counts.created);
    expect(second.output()).toContain('resuming the merge');
    await kill(second);
  }, 120_000);

  it('a job BullMQ fails for stalling (past QUEUE_MAX_STALLED_COUNT) fails its import, not left validating', async () => {
    const owner = await register(api);
    const { csv } = generatedFile(120_000);
    const res = await uploadImport(api, owner.accessToken, csv);
    const noStalls = { QUEUE_MAX_STALLED_COUNT: '0' };
    const first = await spawnWorker(noStalls);
    await until('the first progress report', async () => (await importRow(res.body.id)).processed > 0);
    await pg.query('BEGIN');
    await pg.query('SELECT 1 FROM contact_imports WHERE id = $1 FOR UPDATE', [res.body.id]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await kill(first);
    await pg.query('ROLLBACK');
    expect((await importRow(res.body.id)).status).toBe('validating');

    // The next worker's stalled check finds the job stalled once too often: BullMQ fails it.
    const second = await spawnWorker(noStalls);
    const { last } = await waitForImport(api, owner.accessToken, res.body.id, { timeoutMs: 60_000 });
    expect(last.status).toBe('failed');
    expect(last.error).toMatch(/interrupted too many times/);
    expect((await importRow(res.body.id)).attempts).toBe(1);
    const staging = await api.sql<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [
      `contact_import_staging_${(res.body.id as string).replace(/-/g, '')}`,
    ]);
    expect(staging[0]!.t).toBeNull();
    expect(await contactCount(owner.organizationId)).toBe(0);
    await kill(second);
  }, 120_000);

  it('two imports of one organization at once (two workers) do not corrupt each other', async () => {
    const workersNow = [await spawnWorker(), await spawnWorker()];
    const lock = await holdMergeLock(admin.organizationId);
    const a = generatedFile(3_000, (i) => `shared${i}@example.com`);
    const b = generatedFile(3_000, (i) => `shared${i + 1_000}@example.com`);
    const [first, second] = await Promise.all([
      uploadImport(api, admin.accessToken, a.csv, { fields: { tags: 'batch-a' } }),
      uploadImport(api, admin.accessToken, b.csv, { fields: { tags: 'batch-b' } }),
    ]);
    // Both staged side by side, then the merges run one after the other.
    await until('both staged', async () =>
      (await Promise.all([importRow(first.body.id), importRow(second.body.id)])).every((r) => r.status === 'importing'),
    );
    await lock.release();
    const [x, y] = await Promise.all([
      waitForImport(api, admin.accessToken, first.body.id),
      waitForImport(api, admin.accessToken, second.body.id),
    ]);
    expect([x.last.status, y.last.status]).toEqual(['completed', 'completed']);
    const distinct = (
      await api.sql<{ n: number }>(`SELECT count(*)::int AS n FROM contacts WHERE organization_id = $1`, [
        admin.organizationId,
      ])
    )[0]!.n;
    // Every valid email once; what one import created the other counted as skipped (dedupe skip).
    expect(x.last.counts.created + y.last.counts.created).toBe(distinct);
    expect(x.last.counts.failed + y.last.counts.failed).toBe(a.counts.failed + b.counts.failed);
    for (const { last } of [x, y]) {
      const c = last.counts;
      expect(c.created + c.updated + c.skipped + c.failed).toBe(c.total);
    }
    const validEmails = new Set<string>();
    for (const i of Array.from({ length: 3_000 }, (_, k) => k + 1)) {
      if (i % 50 !== 0 && i % 40 !== 0) {
        validEmails.add(`shared${i}@example.com`);
        validEmails.add(`shared${i + 1_000}@example.com`);
      }
    }
    expect(distinct).toBe(validEmails.size);
    await Promise.all(workersNow.map(kill));
  }, 120_000);
});

describe('contacts CSV import with S3 storage (the stand-in)', () => {
  const s3 = new S3Server();
  let t: TestApp;
  beforeAll(async () => {
    await s3.start();
    t = await startTestApp({ ...s3.env() });
  });
  afterAll(async () => {
    await t.close();
    await s3.stop();
  });

  it('streams the upload to the bucket and the worker reads it from there', async () => {
    const admin = await register(t);
    const { csv, counts } = generatedFile(5_000);
    const res = await uploadImport(t, admin.accessToken, csv);
    expect(res.status).toBe(202);
    const { last } = await waitForImport(t, admin.accessToken, res.body.id);
    expect(last.status).toBe('completed');
    expect(last.counts).toEqual({ ...counts, processed: counts.total, updated: 0 });
    const key = `/org/${admin.organizationId}/imports/${res.body.id as string}.csv`;
    const touched = s3.requests.filter((r) => r.url.split('?')[0]!.endsWith(key)).map((r) => r.method);
    expect(touched).toEqual(expect.arrayContaining(['PUT', 'GET']));
  });
});
