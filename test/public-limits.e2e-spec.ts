import { publishChatbot } from './support/chatbots';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { register, type Account } from './support/identity';
import { withQueueEvents } from './support/queues';
import { startTestApp, type TestApp } from './support/test-app';

interface Turn {
  sessionId: string;
  sessionToken: string;
  status: string;
  input: { type: string } | null;
  code?: string;
  errors?: { field: string; message: string }[];
}

/** A flow asking one question, with an idle event after `idleSeconds`. */
const questionFlow = (idleSeconds: number) => ({
  schemaVersion: 1,
  events: [
    { id: 'start', type: 'start' },
    { id: 'idle', type: 'idle', timeoutSeconds: idleSeconds },
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
    { id: 'g2', blocks: [{ id: 'nudge', type: 'text', options: { text: 'Still there?' } }] },
    { id: 'g3', blocks: [{ id: 'done', type: 'text', options: { text: 'Got it' } }] },
  ],
  edges: [
    { id: 'e0', from: { eventId: 'start' }, to: { groupId: 'g1' } },
    { id: 'e1', from: { eventId: 'idle' }, to: { groupId: 'g2' } },
    { id: 'e2', from: { blockId: 'in' }, to: { groupId: 'g3' } },
  ],
});

describe('public chat routes under load: limits, caps, suspension, origins, pruning', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: Account;
  let ipCounter = 0;
  /** A fresh client address per use, so each test has counters of its own. */
  const nextIp = () => `198.51.100.${++ipCounter}`;

  const limits = {
    TRUST_PROXY: 'true', // the client IP comes from X-Forwarded-For
    CHAT_RATE_LIMIT_WINDOW_SECONDS: '60',
    CHAT_START_LIMIT_PER_IP: '3',
    CHAT_START_LIMIT_PER_BOT: '8',
    CHAT_MESSAGE_LIMIT_PER_IP: '10',
    CHAT_MESSAGE_LIMIT_PER_SESSION: '7',
  };

  beforeAll(async () => {
    a = await startTestApp(limits);
    // A second API process sharing Redis (same key prefix; no worker, so jobs stay with `a`).
    b = await startTestApp({ ...limits, REDIS_KEY_PREFIX: a.config.redis.keyPrefix, APP_ROLE: 'api' });
    admin = await register(a);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const publish = (body: Record<string, unknown>, account = admin) => publishChatbot(a, account, body);

  const start = (
    t: TestApp,
    publicId: string,
    ip: string,
    body: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) =>
    t.request<Turn>('POST', `/api/v1/bots/${publicId}/sessions`, {
      body,
      headers: { 'x-forwarded-for': ip, ...headers },
    });

  const startChat = (publicId: string, ip: string, body: Record<string, unknown> = {}) =>
    a.request('POST', `/api/v1/typebots/${publicId}/startChat`, { body, headers: { 'x-forwarded-for': ip } });

  const send = (s: Turn, ip: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    a.request('POST', `/api/v1/sessions/${s.sessionId}/messages`, {
      token: s.sessionToken,
      body: { clientMessageId: `m-${Math.random()}`, ...body },
      headers: { 'x-forwarded-for': ip, ...headers },
    });

  const resume = (s: Turn, ip: string, headers: Record<string, string> = {}) =>
    a.request('GET', `/api/v1/sessions/${s.sessionId}`, {
      token: s.sessionToken,
      headers: { 'x-forwarded-for': ip, ...headers },
    });

  const continueChat = (s: Turn, ip: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    a.request('POST', `/api/v1/sessions/${s.sessionToken}/continueChat`, {
      body,
      headers: { 'x-forwarded-for': ip, ...headers },
    });

  function expectRateLimited(res: { status: number; headers: Headers; body: any }, limit: string) {
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'chat.rate_limited', limit });
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  }

  it('limits session starts per client IP across processes, with a 429 problem and Retry-After', async () => {
    const bot = await publish({ name: 'per-ip', templateId: 'lead-capture' });
    const ip = nextIp();
    expect((await start(a, bot.publicId, ip)).status).toBe(201);
    // The other process has no such bot (its own database) but counts the same client.
    expect((await start(b, bot.publicId, ip)).status).toBe(404);
    expect((await start(a, bot.publicId, ip)).status).toBe(201);
    expectRateLimited(await start(a, bot.publicId, ip), 'ip');
    expectRateLimited(await start(b, bot.publicId, ip), 'ip');
    // Typebot's startChat shares the counter and answers with the `message` its widget shows.
    const typebot = await startChat(bot.publicId, ip);
    expectRateLimited(typebot, 'ip');
    expect(typebot.body.message).toBe(typebot.body.detail);
    expect(typebot.body.message).toMatch(/Too many requests/);
    // Other clients are not affected.
    expect((await start(a, bot.publicId, nextIp())).status).toBe(201);
    expect((await startChat(bot.publicId, nextIp())).status).toBe(200);
  });

  it('limits session starts per bot whatever the client IP', async () => {
    const bot = await publish({ name: 'per-bot', templateId: 'lead-capture' });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await start(i % 2 ? b : a, bot.publicId, nextIp())).status);
    expect(statuses).toEqual([201, 404, 201, 404, 201, 404, 201, 404]);
    expectRateLimited(await start(a, bot.publicId, nextIp()), 'bot');
    const other = await publish({ name: 'other', templateId: 'lead-capture' });
    expect((await start(a, other.publicId, nextIp())).status).toBe(201);
  });

  it('limits messages and resumes per session and per client IP', async () => {
    const bot = await publish({ name: 'messages', templateId: 'lead-capture' });
    const ip = nextIp();
    const first = (await start(a, bot.publicId, ip)).body;
    expect((await send(first, ip, { text: 'Ada' })).status).toBe(200);
    for (let i = 0; i < 6; i++) expect((await resume(first, ip)).status).toBe(200);
    expectRateLimited(await send(first, ip, { text: 'ada@example.com' }), 'session');
    // Whoever sends it: the counter is the session's.
    const typebot = await continueChat(first, nextIp(), { message: 'ada@example.com' });
    expectRateLimited(typebot, 'session');
    expect(typebot.body.message).toMatch(/Too many requests/);
    // The client's 9th and 10th requests pass (another session); its 11th is over the IP limit.
    const second = (await start(a, bot.publicId, ip)).body;
    expect((await resume(second, ip)).status).toBe(200);
    expect((await resume(second, ip)).status).toBe(200);
    expectRateLimited(await resume(second, ip), 'ip');
  });

  it('caps prefilled variables and answers, naming the field', async () => {
    const bot = await publish({ name: 'caps', templateId: 'lead-capture' });
    const ip = nextIp();
    const big = await start(a, bot.publicId, ip, { variables: { notes: 'x'.repeat(5_000) } });
    expect(big.status).toBe(400);
    expect(big.body.code).toBe('request.validation_failed');
    expect(big.body.errors).toEqual([{ field: 'variables', message: expect.stringContaining('variables.notes') }]);
    const many = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`v${i}`, 'x'.repeat(4_000)]));
    const total = await start(a, bot.publicId, ip, { variables: many });
    expect(total.status).toBe(400);
    expect(total.body.errors).toEqual([{ field: 'variables', message: expect.stringContaining('in all') }]);
    const typebot = await startChat(bot.publicId, ip, { prefilledVariables: { notes: 'x'.repeat(5_000) } });
    expect(typebot.status).toBe(400);
    expect(typebot.body.errors).toEqual([{ field: 'prefilledVariables.notes', message: expect.any(String) }]);
    expect(typebot.body.message).toBe(typebot.body.detail);

    const ok = await start(a, bot.publicId, nextIp(), { variables: { notes: 'x'.repeat(3_000) } });
    expect(ok.status).toBe(201);
    const answer = await send(ok.body, nextIp(), { value: 'x'.repeat(10_001) });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ field: 'value', message: expect.stringContaining('10000 bytes') }]);
  });

  it("stops answering publicly once the bot's organization is suspended, running sessions included", async () => {
    const owner = await register(a, { organizationName: 'Soon suspended' });
    const bot = await publish({ name: 'suspended', templateId: 'lead-capture' }, owner);
    const running = (await start(a, bot.publicId, nextIp())).body;
    const typebotRunning = (await startChat(bot.publicId, nextIp())).body as { sessionId: string };

    const root = await register(a);
    await a.sql('UPDATE users SET super_admin = true WHERE id = $1', [root.userId]);
    const suspended = await a.request('POST', `/api/v1/organizations/${owner.organizationId}/suspend`, {
      token: root.accessToken,
    });
    expect(suspended.status).toBe(200);

    const fresh = await start(a, bot.publicId, nextIp());
    expect([fresh.status, fresh.body.code]).toEqual([404, 'bot.not_found']);
    const typebot = await startChat(bot.publicId, nextIp());
    expect([typebot.status, typebot.body.code]).toEqual([404, 'bot.not_found']);
    expect(typebot.body.message).toEqual(expect.any(String));
    const turn = await send(running, nextIp(), { text: 'Ada' });
    expect([turn.status, turn.body.code]).toEqual([404, 'bot.not_found']);
    expect((await resume(running, nextIp())).status).toBe(404);
    const continued = await continueChat({ sessionToken: typebotRunning.sessionId } as Turn, nextIp(), {
      message: 'Hi!',
    });
    expect([continued.status, continued.body.code]).toEqual([404, 'bot.not_found']);
    // Nothing was processed.
    const [row] = await a.sql<{ turn: number }>('SELECT turn FROM chat_sessions WHERE id = $1', [running.sessionId]);
    expect(row?.turn).toBe(1);
  });

  it("checks the bot's allowed origins on every request that carries an Origin", async () => {
    const bot = await publish({
      name: 'origins',
      templateId: 'lead-capture',
      settings: { allowedOrigins: ['https://shop.example'] },
    });
    const shop = { origin: 'https://shop.example' };
    const evil = { origin: 'https://evil.example' };
    const s = (await start(a, bot.publicId, nextIp(), {}, shop)).body;
    expect(s.sessionId).toBeDefined();

    const foreign = await send(s, nextIp(), { text: 'Ada' }, evil);
    expect([foreign.status, foreign.body.code]).toEqual([403, 'bot.origin_not_allowed']);
    expect((await resume(s, nextIp(), evil)).status).toBe(403);
    const typebot = await continueChat(s, nextIp(), { message: 'Ada' }, evil);
    expect([typebot.status, typebot.body.code]).toEqual([403, 'bot.origin_not_allowed']);
    expect(typebot.body.message).toMatch(/evil\.example/);
    const [row] = await a.sql<{ turn: number }>('SELECT turn FROM chat_sessions WHERE id = $1', [s.sessionId]);
    expect(row?.turn).toBe(1);

    expect((await send(s, nextIp(), { text: 'Ada' }, shop)).status).toBe(200);
    // Server-side clients send no Origin.
    expect((await resume(s, nextIp())).status).toBe(200);

    // The bot's current settings count (as for a start): a change reaches running sessions within seconds.
    const moved = await a.request('PATCH', `/api/v1/chatbots/${bot.id}`, {
      token: admin.accessToken,
      body: { settings: { allowedOrigins: ['https://new.example'] } },
    });
    expect(moved.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 5_100));
    expect((await send(s, nextIp(), { text: 'ada@example.com' }, shop)).status).toBe(403);
    expect((await send(s, nextIp(), { text: 'ada@example.com' }, { origin: 'https://new.example' })).status).toBe(200);
  });

  it('prunes sessions nobody answered after SESSION_UNANSWERED_RETENTION_HOURS, without idle jobs outliving them', async () => {
    const queue = a.app.get<Queue>(getQueueToken('executions'));
    const slow = await publish({ name: 'slow idle', flow: questionFlow(2 * 24 * 3600) });
    const quick = await publish({ name: 'quick idle', flow: questionFlow(60) });
    const unanswered = (await start(a, slow.publicId, nextIp())).body;
    const answered = (await start(a, slow.publicId, nextIp())).body;
    const recent = (await start(a, slow.publicId, nextIp())).body;
    const prompt = (await start(a, quick.publicId, nextIp())).body;
    expect((await send(answered, nextIp(), { text: 'yes' })).status).toBe(200);
    // The 2-day idle job would fire long after an unanswered session is pruned: it is not scheduled.
    expect(await queue.getJob(`idle-${unanswered.sessionId}-1`)).toBeUndefined();
    expect((await queue.getJob(`idle-${prompt.sessionId}-1`))?.opts.delay).toBe(60_000);

    await a.sql(`UPDATE chat_sessions SET last_activity_at = now() - interval '25 hours' WHERE id = ANY($1)`, [
      [unanswered.sessionId, answered.sessionId],
    ]);
    await withQueueEvents(a, 'executions', async (queueEvents) => {
      const job = await queue.add('prune-sessions', { organizationId: null });
      expect(await job.waitUntilFinished(queueEvents, 15_000)).toMatchObject({ deleted: 0, unanswered: 1 });
    });
    const left = await a.sql<{ id: string }>('SELECT id FROM chat_sessions WHERE id = ANY($1) ORDER BY id', [
      [unanswered.sessionId, answered.sessionId, recent.sessionId],
    ]);
    expect(left.map((r) => r.id).sort()).toEqual([answered.sessionId, recent.sessionId].sort());
    expect((await resume(unanswered, nextIp())).status).toBe(404);
  });
});
