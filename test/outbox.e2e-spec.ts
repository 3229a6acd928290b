import { createChatbot, publishChatbot } from './support/chatbots';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { newId } from '@/database/base.entity';
import type { EventType } from '@/events/event-catalogue';
import { EventsPublisher } from '@/events/events.publisher';
import { type OutboxBatchConsumer, OutboxConsumers } from '@/events/outbox-consumers';
import { OutboxDispatcher } from '@/events/outbox.dispatcher';
import { domainEvent } from '@/events/outbox.sql';
import { SessionsRepository } from '@/executions/sessions.repository';
import { FakeOpenAi } from './support/fake-openai';
import { type Account, register, uniqueEmail } from './support/identity';
import { outboxData, outboxEvents } from './support/outbox';
import { repoRoot, spawnParley, type SpawnedParley } from './support/process';
import { startTestApp, type TestApp } from './support/test-app';
import { databaseUrl } from './support/test-env';

interface Turn {
  sessionId: string;
  sessionToken: string;
  status: string;
}

/** Polls `check` until it returns true, or fails after `ms`. */
async function eventually(check: () => Promise<boolean>, ms = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const undispatched = async (t: TestApp): Promise<number> =>
  Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM outbox_events WHERE dispatched_at IS NULL'))[0]!.n);

const outboxCount = async (t: TestApp): Promise<number> =>
  Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM outbox_events'))[0]!.n);

describe('domain events through the outbox (in process)', () => {
  let t: TestApp;
  let ai: FakeOpenAi;
  let admin: Account;

  beforeAll(async () => {
    ai = new FakeOpenAi({ apiKey: 'sk-test' });
    const { baseUrl } = await ai.start();
    t = await startTestApp({ OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: 'sk-test', OUTBOX_POLL_INTERVAL_MS: '200' });
    admin = await register(t);
  });
  afterAll(async () => {
    await t.close();
    await ai.stop();
  });

  const createBot = (body: Record<string, unknown>) => createChatbot(t, admin, body);
  const publish = (body: Record<string, unknown>) => publishChatbot(t, admin, body);
  let n = 0;
  const say = async (turn: Turn, body: Record<string, unknown>) =>
    (
      await t.request<Turn>('POST', `/api/v1/sessions/${turn.sessionId}/messages`, {
        token: turn.sessionToken,
        body: { clientMessageId: `m${n++}`, ...body },
      })
    ).body;
  const typesOf = async (sessionId: string): Promise<EventType[]> =>
    (
      await t.sql<{ type: EventType }>(`SELECT type FROM outbox_events WHERE data->>'sessionId' = $1 ORDER BY id`, [
        sessionId,
      ])
    ).map((r) => r.type);

  it('writes a session’s events with its turns and hands each once to the metrics subscriber', async () => {
    ai.queueChat({ content: 'We open at 9am.', usage: { promptTokens: 40, completionTokens: 7 } });
    const bot = await publish({ name: 'faq', templateId: 'ai-faq' });
    const [published] = (await outboxEvents(t, 'chatbot.published')).filter((e) => e.data.chatbotId === bot.id);
    expect(published).toMatchObject({
      organizationId: admin.organizationId,
      data: { version: 1, rolledBackFrom: null, publishedByUserId: admin.userId },
    });
    expect(published!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/); // UUIDv7
    expect(new Date(published!.occurredAt).getTime()).toBeLessThanOrEqual(Date.now());

    const session = (await t.request<Turn>('POST', `/api/v1/bots/${bot.publicId}/sessions`, { body: {} })).body;
    expect(await typesOf(session.sessionId)).toEqual(['session.started', 'conversation.created']);
    await say(session, { text: 'When do you open?' });
    expect((await say(session, { command: 'human' })).status).toBe('handoff');
    const types = await typesOf(session.sessionId);
    expect(types).toEqual(
      expect.arrayContaining([
        'ai.usage_recorded',
        'result.updated',
        'session.handoff_requested',
        'conversation.bot_handoff',
      ]),
    );
    // Every message of the conversation is announced once, under its own id.
    const messageIds = await t.sql<{ id: string }>('SELECT id FROM conversation_messages WHERE conversation_id = $1', [
      session.sessionId,
    ]);
    const announced = await t.sql<{ id: string }>(
      `SELECT id FROM outbox_events WHERE type = 'message.created' AND data->>'conversationId' = $1`,
      [session.sessionId],
    );
    expect(announced.map((r) => r.id).sort()).toEqual(messageIds.map((r) => r.id).sort());
    expect(types.filter((type) => type === 'session.started')).toHaveLength(1);

    await eventually(async () => (await undispatched(t)) === 0, 10_000, 'dispatch');
    const queue = t.app.get<Queue>(getQueueToken('events'));
    // `message.created` is counted where messages are stored, not by the metrics subscriber.
    const ids = (await t.sql<{ id: string }>(`SELECT id FROM outbox_events WHERE type <> 'message.created'`)).map(
      (r) => r.id,
    );
    await eventually(
      async () => (await queue.getJobCounts('completed')).completed === ids.length,
      10_000,
      'every event job to complete',
    );
    for (const id of ids) {
      const job = await queue.getJob(`metrics-${id}`);
      expect(job?.data.event.id).toBe(id);
      expect(job?.data.organizationId).toBe(job?.data.event.organizationId);
    }
    expect(await queue.getJob(`metrics-${announced[0]!.id}`)).toBeUndefined();
    const metrics = await t.request('GET', '/metrics');
    expect(metrics.text).toMatch(/parley_messages_total\{sender="bot",kind="message"\} [1-9]/);
    expect(metrics.text).toMatch(/parley_messages_total\{sender="visitor",kind="message"\} [1-9]/);
  });

  it('a completed flow emits session.completed; an invalid reply (no change) emits nothing', async () => {
    const bot = await publish({ name: 'lead', templateId: 'lead-capture' });
    const session = (await t.request<Turn>('POST', `/api/v1/bots/${bot.publicId}/sessions`, { body: {} })).body;
    await say(session, { text: 'Ada' });
    const before = await typesOf(session.sessionId);
    expect(before).toEqual(['session.started', 'conversation.created', 'result.updated']);
    await say(session, { text: 'not-an-email' }); // a retry message: the result did not change
    expect(await typesOf(session.sessionId)).toEqual(before);
    await say(session, { text: 'ada@example.com' });
    await say(session, { text: '(415) 555-2671' });
    expect((await say(session, { text: "yes, that's fine" })).status).toBe('completed');
    const types = await typesOf(session.sessionId);
    expect(types.filter((type) => type === 'result.updated')).toHaveLength(4);
    expect(types.at(-1)).toBe('session.completed');
    const [completed] = (await outboxData(t, 'session.completed')).filter((e) => e.sessionId === session.sessionId);
    expect(completed).toEqual({ chatbotId: bot.id, sessionId: session.sessionId, turn: 6 });
    const [last] = (await outboxData(t, 'result.updated')).filter((e) => e.sessionId === session.sessionId).slice(-1);
    expect(last).toMatchObject({ completed: true, result: { variables: expect.objectContaining({ Name: 'Ada' }) } });
  });

  it('previews announce no handoff and no session events, but record AI usage flagged as preview', async () => {
    ai.queueChat({ content: 'Preview answer.', usage: { promptTokens: 5, completionTokens: 2 } });
    const bot = await createBot({ name: 'faq draft', templateId: 'ai-faq' });
    const preview = await t.request<Turn>('POST', `/api/v1/chatbots/${bot.id}/preview/sessions`, {
      token: admin.accessToken,
      body: { runEffects: true },
    });
    expect(preview.status).toBe(201);
    const session = preview.body;
    expect(await typesOf(session.sessionId)).toEqual([]);
    await say(session, { text: 'When do you open?' });
    expect((await say(session, { command: 'human' })).status).toBe('handoff');
    expect(await typesOf(session.sessionId)).toEqual(['ai.usage_recorded']);
    const [usage] = (await outboxData(t, 'ai.usage_recorded')).filter((e) => e.sessionId === session.sessionId);
    expect(usage).toMatchObject({ preview: true, promptTokens: 5, completionTokens: 2, chatbotId: bot.id });
  });

  it('a turn without events does not touch the outbox', async () => {
    const bot = await createBot({ name: 'quiet draft', templateId: 'ai-faq' });
    const before = await outboxCount(t);
    const preview = await t.request<Turn>('POST', `/api/v1/chatbots/${bot.id}/preview/sessions`, {
      token: admin.accessToken,
      body: {},
    });
    await say(preview.body, { text: 'hello' }); // OpenAI skipped in preview without runEffects
    expect(await outboxCount(t)).toBe(before);
  });

  it('a rolled-back change emits nothing', async () => {
    const dataSource = t.app.get(DataSource);
    const publisher = t.app.get(EventsPublisher);
    const event = publisher.event('chatbot.published', admin.organizationId, {
      chatbotId: newId(),
      version: 1,
      rolledBackFrom: null,
      publishedByUserId: null,
    });
    await expect(
      dataSource.transaction(async (em) => {
        await publisher.publishIn(em, [event]);
        throw new Error('the change fails after its event was written');
      }),
    ).rejects.toThrow('the change fails');
    // Outside a transaction there is nothing to roll back with: refused.
    await expect(publisher.publishIn(dataSource.manager, [event])).rejects.toThrow(/inside the transaction/);
    // A publish that fails validation writes no event either.
    const bot = await createBot({ name: 'broken' });
    await t.sql(`UPDATE chatbots SET draft_flow = jsonb_set(draft_flow, '{events}', '[]') WHERE id = $1`, [bot.id]);
    const refused = await t.request('POST', `/api/v1/chatbots/${bot.id}/publish`, {
      token: admin.accessToken,
      body: {},
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    await t.app.get(OutboxDispatcher).idle();
    const ids = (await outboxEvents(t, 'chatbot.published')).map((e) => e.data.chatbotId);
    expect(ids).not.toContain(event.data.chatbotId);
    expect(ids).not.toContain(bot.id);
    expect(await t.app.get<Queue>(getQueueToken('events')).getJob(`metrics-${event.id}`)).toBeUndefined();
  });

  it('a lost optimistic save emits nothing; the winning save writes its events in the same statement', async () => {
    const bot = await publish({ name: 'race', templateId: 'lead-capture' });
    const session = (await t.request<Turn>('POST', `/api/v1/bots/${bot.publicId}/sessions`, { body: {} })).body;
    const repository = t.app.get(SessionsRepository);
    const row = (await repository.findBySessionToken(session.sessionId))!;
    const write = (clientMessageId: string) => ({
      state: row.state,
      awaiting: row.awaiting,
      status: row.status,
      completed: false,
      messages: [
        {
          id: newId(),
          sender: { type: 'visitor' as const },
          kind: 'message' as const,
          content: { text: clientMessageId },
          text: clientMessageId,
          clientMessageId,
          response: { ok: true },
        },
      ],
      log: [],
      result: row.result,
      expiresAt: row.expiresAt,
      transition: null,
      department: null,
      preview: false,
      at: new Date(),
      events: [
        domainEvent('result.updated', row.organizationId, {
          chatbotId: row.chatbotId,
          sessionId: row.id,
          completed: false,
          result: { variables: {}, answers: { [clientMessageId]: true } },
        }),
      ],
    });
    const lost = write('lost');
    expect(await repository.saveTurn(row.organizationId, row.id, row.turn + 5, lost)).toBeUndefined();
    const won = write('won');
    expect(await repository.saveTurn(row.organizationId, row.id, row.turn, won)).toEqual({
      turn: row.turn + 1,
      baseSeq: expect.any(Number),
    });
    // Same clientMessageId again on the new turn: the unique index refuses the statement, events included.
    const duplicate = write('won');
    expect(await repository.saveTurn(row.organizationId, row.id, row.turn + 1, duplicate)).toBeUndefined();
    const ids = (await t.sql<{ id: string }>('SELECT id FROM outbox_events')).map((r) => r.id);
    expect(ids).toContain(won.events[0]!.id);
    expect(ids).not.toContain(lost.events[0]!.id);
    expect(ids).not.toContain(duplicate.events[0]!.id);
  });

  it('prunes dispatched events once the retention has passed (they may carry tokens)', async () => {
    const account = await register(t);
    await t.request('POST', '/api/v1/auth/password-reset/request', { body: { email: account.email } });
    const [event] = (await outboxEvents(t, 'auth.password_reset_requested')).filter(
      (e) => e.data.userId === account.userId,
    );
    expect(event?.data.token).toMatch(/^pwr_/);
    await eventually(async () => (await undispatched(t)) === 0, 10_000, 'dispatch');
    const dispatcher = t.app.get(OutboxDispatcher);
    await dispatcher.prune();
    expect(await t.sql('SELECT id FROM outbox_events WHERE id = $1', [event!.id])).toHaveLength(1);
    await t.sql(`UPDATE outbox_events SET dispatched_at = now() - interval '25 hours' WHERE id = $1`, [event!.id]);
    expect(await dispatcher.prune()).toBeGreaterThanOrEqual(1);
    expect(await t.sql('SELECT id FROM outbox_events WHERE id = $1', [event!.id])).toHaveLength(0);
  });

  it('runs batch consumers inside the claim transaction: their writes commit with the batch, a throw rolls it back', async () => {
    await t.sql('CREATE TABLE IF NOT EXISTS consumer_probe (event_id uuid PRIMARY KEY)');
    let failing = true;
    const seen: string[] = [];
    const consumer: OutboxBatchConsumer = {
      name: 'probe',
      consume: async (em, events) => {
        const mine = events.filter((e) => e.type === 'chatbot.published' && e.organizationId === admin.organizationId);
        if (mine.length === 0) return;
        seen.push(...mine.map((e) => e.id));
        await em.query('INSERT INTO consumer_probe (event_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING', [
          mine.map((e) => e.id),
        ]);
        if (failing) throw new Error('probe failure');
      },
    };
    t.app.get(OutboxConsumers).register(consumer);
    const bot = await publish({ name: 'consumed', templateId: 'lead-capture' });
    const [published] = (await outboxEvents(t, 'chatbot.published')).filter((e) => e.data.chatbotId === bot.id);
    await eventually(() => Promise.resolve(seen.includes(published!.id)), 10_000, 'the consumer to see the event');
    // Rolled back: neither the consumer's row nor the dispatch happened.
    expect(await t.sql('SELECT 1 FROM consumer_probe WHERE event_id = $1', [published!.id])).toHaveLength(0);
    expect(
      await t.sql('SELECT 1 FROM outbox_events WHERE id = $1 AND dispatched_at IS NOT NULL', [published!.id]),
    ).toHaveLength(0);
    failing = false;
    t.app.get(OutboxDispatcher).wake();
    await eventually(
      async () =>
        (await t.sql('SELECT 1 FROM outbox_events WHERE id = $1 AND dispatched_at IS NOT NULL', [published!.id]))
          .length === 1,
      10_000,
      'dispatch after the consumer recovers',
    );
    expect(await t.sql('SELECT 1 FROM consumer_probe WHERE event_id = $1', [published!.id])).toHaveLength(1);
    expect(() => t.app.get(OutboxConsumers).register(consumer)).toThrow(/registered twice/);
  });
});

/** These specs run the built app (`npm run build` first) as worker processes. */
describe('domain events through the outbox (worker processes)', () => {
  let t: TestApp;
  const workers: SpawnedParley[] = [];

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'dist/src/main.js'))) throw new Error('Run `npm run build` first (npm test does).');
    // The API only: events are dispatched by the worker processes below.
    t = await startTestApp({ APP_ROLE: 'api' });
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      worker.child.kill('SIGKILL');
      await worker.exit;
    }
  });
  afterAll(() => t.close());

  const spawnWorker = async (env: Record<string, string> = {}): Promise<SpawnedParley> => {
    const worker = spawnParley({
      NODE_ENV: 'test',
      APP_ROLE: 'worker',
      PORT: '0',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl(t.databaseName),
      DATABASE_POOL_SIZE: '3',
      DATABASE_MIGRATE_ON_BOOT: 'false',
      REDIS_URL: t.config.redis.url,
      REDIS_KEY_PREFIX: t.config.redis.keyPrefix,
      JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
      OUTBOX_POLL_INTERVAL_MS: '10000', // woken by LISTEN/NOTIFY, not by polling
      ...env,
    });
    workers.push(worker);
    await worker.url;
    await worker.printed('Workers running for queues');
    return worker;
  };

  /** What a worker's metrics subscriber counted for `type`. */
  const counted = async (worker: SpawnedParley, type: EventType): Promise<number> => {
    const text = await (await fetch(`${await worker.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`parley_domain_events_total{type="${type}"}`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };

  const requestResets = async (email: string, times: number): Promise<void> => {
    for (let i = 0; i < times; i++) {
      expect((await t.request('POST', '/api/v1/auth/password-reset/request', { body: { email } })).status).toBe(202);
    }
  };
  const invite = async (admin: Account, times: number): Promise<void> => {
    for (let i = 0; i < times; i++) {
      const res = await t.request('POST', '/api/v1/invitations', {
        token: admin.accessToken,
        body: { email: uniqueEmail(), role: 'agent' },
      });
      expect(res.status).toBe(201);
    }
  };

  it('with two workers running, each event is delivered exactly once to its subscriber', async () => {
    const [a, b] = await Promise.all([spawnWorker(), spawnWorker()]);
    const admin = await register(t);
    await Promise.all([invite(admin, 20), invite(admin, 20)]);
    const events = await outboxEvents(t, 'invitation.created');
    expect(events).toHaveLength(40);
    await eventually(async () => (await undispatched(t)) === 0, 15_000, 'dispatch by the workers');
    const type = 'invitation.created';
    await eventually(
      async () => (await counted(a, type)) + (await counted(b, type)) >= events.length,
      15_000,
      'the subscriber jobs',
    );
    await new Promise((r) => setTimeout(r, 500)); // a double delivery would show up by now
    expect((await counted(a, type)) + (await counted(b, type))).toBe(events.length);
    // Every event was logged by exactly one worker, once.
    const logged = [a, b].flatMap((w) => [...w.output().matchAll(/Event invitation\.created (\S+)/g)]);
    expect(logged.map((m) => m[1]).sort()).toEqual(events.map((e) => e.id).sort());
  });

  it('an event written while its worker is dead is delivered after a restart', async () => {
    const first = await spawnWorker();
    first.child.kill('SIGKILL');
    await first.exit;
    const account = await register(t);
    await requestResets(account.email, 3);
    const mine = (await outboxEvents(t, 'auth.password_reset_requested')).filter(
      (e) => e.data.userId === account.userId,
    );
    expect(mine).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 300));
    expect(await undispatched(t)).toBe(3);

    const restarted = await spawnWorker();
    await eventually(async () => (await undispatched(t)) === 0, 15_000, 'dispatch after restart');
    await eventually(
      async () => (await counted(restarted, 'auth.password_reset_requested')) === 3,
      15_000,
      'the subscriber jobs after restart',
    );
  });

  it('events claimed by a dispatcher that dies mid-dispatch are skipped meanwhile, then delivered by another', async () => {
    const account = await register(t);
    // A dispatcher (played by this connection) claims the event, then dies before marking it.
    const crashing = new Client({ connectionString: databaseUrl(t.databaseName) });
    await crashing.connect();
    crashing.on('error', () => undefined);
    await requestResets(account.email, 1);
    const [event] = (await outboxEvents(t, 'auth.password_reset_requested')).filter(
      (e) => e.data.userId === account.userId,
    );
    await crashing.query('BEGIN');
    const claimed = await crashing.query(
      'SELECT id FROM outbox_events WHERE dispatched_at IS NULL ORDER BY id FOR UPDATE SKIP LOCKED',
    );
    expect(claimed.rows.map((r: { id: string }) => r.id)).toContain(event!.id);

    const worker = await spawnWorker({ OUTBOX_POLL_INTERVAL_MS: '300' });
    await new Promise((r) => setTimeout(r, 1_000)); // a few polls: the claimed row is skipped, not waited for
    expect(await undispatched(t)).toBe(claimed.rows.length);
    await t.sql('SELECT pg_terminate_backend($1)', [(crashing as unknown as { processID: number }).processID]);
    await crashing.end().catch(() => undefined);
    await eventually(async () => (await undispatched(t)) === 0, 10_000, 'dispatch after the crash');
    await eventually(
      async () => (await counted(worker, 'auth.password_reset_requested')) === claimed.rows.length,
      10_000,
      'the subscriber job',
    );
  });
});
