import { publishChatbot } from './support/chatbots';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createApp } from '@/app.factory';
import { type AppConfig, loadConfig } from '@/config';
import { dataSourceOptions } from '@/database/data-source.options';
import { SessionTurnQueue } from '@/executions/session-turn-queue';
import { OrganizationsRepository } from '@/users/organizations.repository';
import { HttpTarget } from './support/http-target';
import { register, uniqueEmail, type Account } from './support/identity';
import { withQueueEvents } from './support/queues';
import { clearRedisPrefix, dropTestDatabase, startTestApp, type TestApp } from './support/test-app';
import { adminDatabaseUrl, databaseUrl, testDatabasePrefix } from './support/test-env';

interface Turn {
  code?: string;
  sessionId: string;
  sessionToken: string;
  status: string;
  messages: { id: string; type: string; markdown?: string }[];
  input: { type: string } | null;
}

type Session = Pick<Turn, 'sessionId' | 'sessionToken'>;

const texts = (turn: Turn) => turn.messages.filter((m) => m.type === 'text').map((m) => m.markdown);

/**
 * A bot that asks for text forever and tells, each turn, the answer it got and the one before it:
 * "got B after A" proves B was applied on the state A left (nothing lost, nothing run twice).
 * With `url`, each turn also calls it (GET), which the test can hold to keep a turn running.
 */
const chainFlow = (url?: string) => ({
  schemaVersion: 1,
  events: [{ id: 'start', type: 'start' }],
  variables: [
    { id: 'v', name: 'answer' },
    { id: 'p', name: 'previous' },
  ],
  groups: [
    {
      id: 'ask',
      blocks: [
        { id: 'echo', type: 'text', options: { text: 'got {{answer}} after {{previous}}' } },
        {
          id: 'keep',
          type: 'setVariable',
          options: { variableId: 'p', operation: { kind: 'expression', expression: '{{answer}}' } },
        },
        ...(url ? [{ id: 'call', type: 'httpRequest', options: { method: 'GET', url } }] : []),
        { id: 'in', type: 'textInput', options: { variableId: 'v' } },
      ],
    },
  ],
  edges: [
    { id: 'e0', from: { eventId: 'start' }, to: { groupId: 'ask' } },
    { id: 'e1', from: { blockId: 'in' }, to: { groupId: 'ask' } },
  ],
});

type Process = Pick<TestApp, 'app' | 'request' | 'close'>;

/**
 * Another process of the app on `of`'s database (its own turn queue and pool). Its queues have a
 * prefix of their own, so `of`'s delayed jobs stay with `of`.
 */
async function startSecondProcess(of: TestApp, env: Record<string, string>): Promise<Process> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: of.config.database.url,
    DATABASE_POOL_SIZE: '4',
    DATABASE_MIGRATE_ON_BOOT: 'false',
    REDIS_URL: of.config.redis.url,
    REDIS_KEY_PREFIX: `${of.config.redis.keyPrefix}b`,
    JWT_SECRET: of.config.auth.jwtSecret ?? '',
    CHAT_START_LIMIT_PER_IP: '1000000',
    CHAT_START_LIMIT_PER_BOT: '1000000',
    CHAT_MESSAGE_LIMIT_PER_IP: '1000000',
    CHAT_MESSAGE_LIMIT_PER_SESSION: '1000000',
    ...env,
  }) as AppConfig;
  const app = await createApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = await app.getUrl();
  return {
    app,
    async close() {
      await app.close();
      await clearRedisPrefix(config.redis.url, config.redis.keyPrefix);
    },
    async request(method, path, { body, token } = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      const response = await fetch(`${url}${path}`, { method, headers, body: JSON.stringify(body ?? {}) });
      const text = await response.text();
      const isJson = /json/.test(response.headers.get('content-type') ?? '');
      return {
        status: response.status,
        headers: response.headers,
        text,
        body: isJson && text ? JSON.parse(text) : text,
      };
    },
  };
}

/** Resolves when `check` holds (polled), or fails after `ms`. */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('concurrency and idempotency', () => {
  let t: TestApp;
  /** A second process on the same database (its own turn queue), with a queue bound of 4. */
  let other: Process;
  let target: HttpTarget;
  let targetUrl: string;
  let admin: Account;
  /** While set, calls to the target's /hold route wait for the test to release them (in `held`). */
  let holding = false;
  const held: (() => void)[] = [];

  beforeAll(async () => {
    target = new HttpTarget();
    targetUrl = (await target.start()).url;
    target.route('/fast', (_req, res) => HttpTarget.json(res, 200, { ok: true }));
    target.route('/hold', (_req, res) => {
      if (holding) held.push(() => HttpTarget.json(res, 200, { ok: true }));
      else HttpTarget.json(res, 200, { ok: true });
    });
    t = await startTestApp({ HTTP_EFFECTS_ALLOW_PRIVATE_NETWORKS: 'true' });
    other = await startSecondProcess(t, { HTTP_EFFECTS_ALLOW_PRIVATE_NETWORKS: 'true', SESSION_TURN_QUEUE_LIMIT: '4' });
    admin = await register(t);
  });
  afterEach(() => {
    holding = false;
    held.splice(0).forEach((release) => release());
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
    await target.stop();
  });

  const publish = async (flow: unknown): Promise<string> =>
    (await publishChatbot(t, admin, { name: 'chain', flow })).publicId;

  async function start(publicId: string): Promise<Session> {
    const res = await t.request<Turn>('POST', `/api/v1/bots/${publicId}/sessions`, { body: {} });
    expect(res.status).toBe(201);
    return res.body;
  }

  const send = (s: Session, clientMessageId: string, text: string, app: Process = t) =>
    app.request<Turn>('POST', `/api/v1/sessions/${s.sessionId}/messages`, {
      token: s.sessionToken,
      body: { clientMessageId, text },
    });

  async function visitorLines(s: Session): Promise<string[]> {
    const resumed = await t.request('GET', `/api/v1/sessions/${s.sessionId}`, { token: s.sessionToken });
    expect(resumed.status).toBe(200);
    return resumed.body.transcript
      .filter((e: { role: string }) => e.role === 'visitor')
      .map((e: { content: { text: string } }) => e.content.text);
  }

  /** Every answer says it was applied right after the one before it in the transcript. */
  function expectChained(order: readonly string[], answers: ReadonlyMap<string, Turn>): void {
    order.forEach((text, i) => {
      expect(texts(answers.get(text)!)).toEqual([`got ${text} after ${i === 0 ? '' : order[i - 1]}`]);
    });
  }

  describe('a burst of messages of one session', () => {
    it('applies 20 concurrent messages, each exactly once, one after the other', async () => {
      const publicId = await publish(chainFlow());
      const s = await start(publicId);
      const sent = Array.from({ length: 20 }, (_, i) => `m${i}`);
      const responses = await Promise.all(sent.map((text) => send(s, `id-${text}`, text)));
      expect(responses.map((r) => r.status)).toEqual(sent.map(() => 200));

      const order = await visitorLines(s);
      expect([...order].sort()).toEqual([...sent].sort());
      expectChained(order, new Map(responses.map((r, i) => [sent[i]!, r.body])));
      const [row] = await t.sql<{ turn: number }>('SELECT turn FROM chat_sessions WHERE id = $1', [s.sessionId]);
      expect(row?.turn).toBe(21);
      // Nothing is kept for a session once its turns are done.
      expect(t.app.get(SessionTurnQueue).pending(s.sessionId)).toBe(0);
    });

    it('applies queued messages in the order the server received them', async () => {
      const publicId = await publish(chainFlow(`${targetUrl}/hold`));
      const s = await start(publicId);
      holding = true;
      const queue = t.app.get(SessionTurnQueue);
      const sent = Array.from({ length: 8 }, (_, i) => `q${i}`);
      const pending: Promise<{ status: number; body: Turn }>[] = [];
      for (const [i, text] of sent.entries()) {
        pending.push(send(s, `id-${text}`, text));
        // The first turn is held in its HTTP call; each next message is queued before the one after is sent.
        if (i === 0) await until(() => held.length === 1, 'the first turn to call the target');
        else await until(() => queue.pending(s.sessionId) === i + 1, `message ${i} to be queued`);
      }
      // Release each turn's call as it comes: turns run one at a time.
      const releasing = (async () => {
        for (let released = 0; released < sent.length; released++) {
          await until(() => held.length > 0, 'the next turn to call the target');
          held.shift()!();
        }
      })();
      const responses = await Promise.all(pending);
      await releasing;
      expect(responses.map((r) => r.status)).toEqual(sent.map(() => 200));
      expect(await visitorLines(s)).toEqual(sent);
      expectChained(sent, new Map(responses.map((r, i) => [sent[i]!, r.body])));
    });

    it('refuses messages past the queue bound with 429 session.busy, and applies the others', async () => {
      const publicId = await publish(chainFlow(`${targetUrl}/hold`));
      const s = await start(publicId);
      holding = true;
      const queue = other.app.get(SessionTurnQueue);
      const first = send(s, 'b-first', 'first', other);
      await until(() => held.length === 1, 'the first turn to call the target');
      // Bound 4: four of the burst wait behind the running turn, the other six are refused at once.
      const answers = new Map<string, { status: number; body: Turn; headers: Headers }>();
      const burst = Array.from({ length: 10 }, (_, i) =>
        send(s, `b${i}`, `b${i}`, other).then((r) => answers.set(`b${i}`, r)),
      );
      await until(() => answers.size === 6, 'six refusals');
      const refused = [...answers.values()];
      expect(refused.map((r) => r.status)).toEqual([429, 429, 429, 429, 429, 429]);
      expect(refused[0]?.body).toMatchObject({ code: 'session.busy', status: 429 });
      expect(refused[0]?.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused[0]?.headers.get('retry-after')).toBe('1');
      expect(queue.pending(s.sessionId)).toBe(5);
      // A retry of a message in line waits for its answer: not refused, not queued again.
      const retryOfFirst = send(s, 'b-first', 'first', other);

      const releasing = (async () => {
        for (let released = 0; released < 5; released++) {
          await until(() => held.length > 0, 'the next turn to call the target');
          held.shift()!();
        }
      })();
      const firstAnswer = await first;
      expect(firstAnswer.status).toBe(200);
      expect(await retryOfFirst).toMatchObject({ status: 200, body: firstAnswer.body });
      await Promise.all(burst);
      await releasing;
      const accepted = [...answers].filter(([, r]) => r.status === 200).map(([text]) => text);
      expect(accepted).toHaveLength(4);
      const order = await visitorLines(s);
      expect(order[0]).toBe('first');
      expect([...order.slice(1)].sort()).toEqual(accepted.sort());
      expect(queue.pending(s.sessionId)).toBe(0);
    });
  });

  describe('idempotency', () => {
    it('answers a clientMessageId retried after later turns with its first answer, without advancing', async () => {
      const publicId = await publish(chainFlow());
      const s = await start(publicId);
      const first = await send(s, 'early', 'a');
      expect(first.status).toBe(200);
      for (const text of ['b', 'c', 'd', 'e', 'f']) expect((await send(s, `id-${text}`, text)).status).toBe(200);

      const retried = await send(s, 'early', 'a');
      expect(retried.status).toBe(200);
      expect(retried.body).toEqual(first.body);
      // Same id, other content: still the first answer (the id names the message).
      expect((await send(s, 'early', 'something else')).body).toEqual(first.body);
      expect(await visitorLines(s)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
      const next = await send(s, 'id-g', 'g');
      expect(texts(next.body)).toEqual(['got g after f']);
    });

    it('applies a message once when its copies race, in one process or two', async () => {
      const publicId = await publish(chainFlow());
      const s = await start(publicId);
      const copies = await Promise.all([
        send(s, 'dup', 'x'),
        send(s, 'dup', 'x', other),
        send(s, 'dup', 'x'),
        send(s, 'dup', 'x', other),
        send(s, 'dup', 'x'),
      ]);
      expect(copies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      for (const copy of copies) expect(copy.body).toEqual(copies[0].body);
      expect(await visitorLines(s)).toEqual(['x']);
      const rows = await t.sql(
        'SELECT 1 FROM conversation_messages WHERE conversation_id = $1 AND client_message_id = $2',
        [s.sessionId, 'dup'],
      );
      expect(rows).toHaveLength(1);
    });
  });

  describe('two processes on one database', () => {
    it('loses nothing when turns of one session alternate between processes', async () => {
      const publicId = await publish(chainFlow());
      const s = await start(publicId);
      for (let i = 0; i < 6; i++) {
        const res = await send(s, `alt-${i}`, `alt${i}`, i % 2 === 0 ? t : other);
        expect([res.status, texts(res.body)]).toEqual([200, [`got alt${i} after ${i === 0 ? '' : `alt${i - 1}`}`]]);
      }
      expect(await visitorLines(s)).toEqual(['alt0', 'alt1', 'alt2', 'alt3', 'alt4', 'alt5']);
    });

    it('applies concurrent messages sent to both processes, each exactly once', async () => {
      const publicId = await publish(chainFlow(`${targetUrl}/fast`));
      const s = await start(publicId);
      const sent = Array.from({ length: 10 }, (_, i) => `p${i}`);
      const responses = await Promise.all(sent.map((text, i) => send(s, `id-${text}`, text, i % 2 === 0 ? t : other)));
      expect(responses.map((r) => [r.status, r.body.code])).toEqual(sent.map(() => [200, undefined]));
      const order = await visitorLines(s);
      expect([...order].sort()).toEqual([...sent].sort());
      expectChained(order, new Map(responses.map((r, i) => [sent[i]!, r.body])));
    });
  });

  it('runs an idle event behind the turn in progress, which makes it stale', async () => {
    const flow = {
      schemaVersion: 1,
      events: [
        { id: 'start', type: 'start' },
        { id: 'idle', type: 'idle', timeoutSeconds: 60 },
      ],
      variables: [{ id: 'v', name: 'answer' }],
      groups: [
        {
          id: 'g1',
          blocks: [
            { id: 'ask', type: 'text', options: { text: 'Anything to add?' } },
            { id: 'in', type: 'textInput', options: { variableId: 'v' } },
          ],
        },
        {
          id: 'g2',
          blocks: [
            { id: 'nudge', type: 'text', options: { text: 'Are you still there?' } },
            { id: 'back', type: 'return' },
          ],
        },
        {
          id: 'g3',
          blocks: [
            { id: 'call', type: 'httpRequest', options: { method: 'GET', url: `${targetUrl}/hold` } },
            { id: 'done', type: 'text', options: { text: 'Got it: {{answer}}' } },
          ],
        },
      ],
      edges: [
        { id: 'e0', from: { eventId: 'start' }, to: { groupId: 'g1' } },
        { id: 'e1', from: { eventId: 'idle' }, to: { groupId: 'g2' } },
        { id: 'e2', from: { blockId: 'in' }, to: { groupId: 'g3' } },
      ],
    };
    const publicId = await publish(flow);
    const jobs = t.app.get<Queue>(getQueueToken('executions'));
    const queue = t.app.get(SessionTurnQueue);
    await withQueueEvents(t, 'executions', async (queueEvents) => {
      const s = await start(publicId);
      holding = true;
      const job = await jobs.getJob(`idle-${s.sessionId}-1`);
      const answer = send(s, 'late', 'just in time');
      await until(() => held.length === 1, 'the turn to call the target');
      await job!.promote(); // the idle timeout elapses while the visitor's turn is running
      await until(() => queue.pending(s.sessionId) === 2, 'the idle job to queue behind the turn');
      held.shift()!();
      expect(texts((await answer).body)).toEqual(['Got it: just in time']);
      expect(await job!.waitUntilFinished(queueEvents, 15_000)).toBe('stale');
      const resumed = await t.request('GET', `/api/v1/sessions/${s.sessionId}`, { token: s.sessionToken });
      expect(JSON.stringify(resumed.body.transcript)).not.toContain('Are you still there?');
    });
  });

  describe('organizations', () => {
    it('creates concurrent organizations of one name, each with its own slug', async () => {
      const user = await register(t);
      const created = await Promise.all(
        Array.from({ length: 6 }, () =>
          t.request('POST', '/api/v1/organizations', { token: user.accessToken, body: { name: 'Same Name' } }),
        ),
      );
      expect(created.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
      const slugs = created.map((r) => r.body.slug as string);
      expect(new Set(slugs).size).toBe(6);
      expect(slugs).toContain('same-name');
    });

    it('registers concurrent accounts whose organizations have one name', async () => {
      const registered = await Promise.all(
        Array.from({ length: 6 }, () =>
          t.request('POST', '/api/v1/auth/register', {
            body: {
              email: uniqueEmail(),
              password: 'correct horse battery staple',
              name: 'Racer',
              organizationName: 'Racing Team',
            },
          }),
        ),
      );
      expect(registered.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
      expect(new Set(registered.map((r) => r.body.organization.slug as string)).size).toBe(6);
    });

    it('takes another slug when a concurrent transaction inserts the same one first', async () => {
      // A transaction that has inserted the slug but not committed: the app's insert waits for it,
      // then finds the slug taken — inside its own transaction, which must stay usable.
      const waitingForLocks = async () =>
        (await t.sql(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`))
          .length;
      const blocker = new Client({ connectionString: t.config.database.url });
      await blocker.connect();
      try {
        for (const [slug, request] of [
          [
            'held-org',
            () => t.request('POST', '/api/v1/organizations', { token: admin.accessToken, body: { name: 'Held Org' } }),
          ],
          [
            'held-team',
            () =>
              t.request('POST', '/api/v1/auth/register', {
                body: {
                  email: uniqueEmail(),
                  password: 'correct horse battery staple',
                  name: 'Held',
                  organizationName: 'Held Team',
                },
              }),
          ],
        ] as const) {
          await blocker.query('BEGIN');
          await blocker.query(`INSERT INTO organizations (id, name, slug) VALUES (gen_random_uuid(), 'x', $1)`, [slug]);
          const pending = request();
          await until(async () => (await waitingForLocks()) > 0, 'the app to wait for the slug');
          await blocker.query('COMMIT');
          const res = await pending;
          expect(res.status).toBe(201);
          const created = (res.body.organization ?? res.body) as { slug: string };
          expect(created.slug).toMatch(new RegExp(`^${slug}-[0-9a-f]{6}$`));
        }
        // Keycloak names an organization by its slug: the one committed first is the one to join.
        const orgs = t.app.get(OrganizationsRepository);
        await blocker.query('BEGIN');
        const { rows } = await blocker.query<{ id: string }>(
          `INSERT INTO organizations (id, name, slug) VALUES (gen_random_uuid(), 'kc', 'kc-team') RETURNING id`,
        );
        const joining = t.app.get(DataSource).transaction((em) => orgs.findOrCreateBySlug('kc-team', 'KC-Team', em));
        await until(async () => (await waitingForLocks()) > 0, 'the provisioning to wait for the slug');
        await blocker.query('COMMIT');
        expect((await joining).id).toBe(rows[0]?.id);
      } finally {
        await blocker.end();
      }
    });
  });

  it('migrates the answers sessions kept (recent_turns) onto their turns, and back', async () => {
    // A database of its own, migrated here (not a copy of the template, which another run may drop).
    const name = `${testDatabasePrefix()}migration_${process.pid}`;
    const admin = new Client({ connectionString: adminDatabaseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`).finally(() => admin.end());
    const ds = new DataSource(
      dataSourceOptions({ url: databaseUrl(name), poolSize: 1, applicationName: 'parley-test' }),
    );
    await ds.initialize();
    try {
      const q = (sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> => ds.query(sql, params);
      const applied = async () =>
        (await q(`SELECT 1 FROM migrations WHERE name = 'TurnIdempotency1796151938188'`)).length;
      await ds.runMigrations({ transaction: 'each' });
      while (await applied()) await ds.undoLastMigration({ transaction: 'each' });
      await q('SET session_replication_role = replica'); // no chatbot and organization rows needed
      const id = '00000000-0000-7000-8000-000000000001';
      const recent = ['c2', 'c3', 'c4'].map((c) => ({ clientMessageId: c, response: { answer: c } }));
      await q(
        `INSERT INTO chat_sessions (id, organization_id, chatbot_id, state, recent_turns, result, expires_at, turn)
         VALUES ($1, gen_random_uuid(), gen_random_uuid(), '{}', $2, '{}', now(), 6)`,
        [id, JSON.stringify(recent)],
      );
      // Turns: 1 start, 2 c1, 3 c2, 4 idle, 5 c3, 6 c4 (visitor turns have a visitor line).
      const bot = { role: 'bot', at: 'now', content: {} };
      const visitor = { role: 'visitor', at: 'now', content: { text: 'hi' } };
      for (const [turn, lines] of [
        [1, [bot]],
        [2, [visitor, bot]],
        [3, [visitor, bot]],
        [4, [bot]],
        [5, [visitor]],
        [6, [visitor]],
      ] as const) {
        await q(
          `INSERT INTO chat_session_turns (id, session_id, organization_id, turn, transcript, log)
           VALUES (gen_random_uuid(), $1, gen_random_uuid(), $2, $3, '[]')`,
          [id, turn, JSON.stringify(lines)],
        );
      }
      await ds.runMigrations({ transaction: 'each' });
      // Up to today: the lines are the conversation's history, visitor lines with their answers.
      expect(
        await q('SELECT seq, turn, sender_type, client_message_id, response FROM conversation_messages ORDER BY seq'),
      ).toEqual([
        { seq: 1, turn: 1, sender_type: 'bot', client_message_id: null, response: null },
        { seq: 2, turn: 2, sender_type: 'visitor', client_message_id: null, response: null },
        { seq: 3, turn: 2, sender_type: 'bot', client_message_id: null, response: null },
        { seq: 4, turn: 3, sender_type: 'visitor', client_message_id: 'c2', response: { answer: 'c2' } },
        { seq: 5, turn: 3, sender_type: 'bot', client_message_id: null, response: null },
        { seq: 6, turn: 4, sender_type: 'bot', client_message_id: null, response: null },
        { seq: 7, turn: 5, sender_type: 'visitor', client_message_id: 'c3', response: { answer: 'c3' } },
        { seq: 8, turn: 6, sender_type: 'visitor', client_message_id: 'c4', response: { answer: 'c4' } },
      ]);
      expect(await q('SELECT status, last_seq FROM conversations WHERE id = $1', [id])).toEqual([
        { status: 'pending', last_seq: 8 },
      ]);
      while (await applied()) await ds.undoLastMigration({ transaction: 'each' });
      expect(await q('SELECT recent_turns FROM chat_sessions')).toEqual([{ recent_turns: recent }]);
    } finally {
      await ds.destroy();
      await dropTestDatabase(name);
    }
  });
});
