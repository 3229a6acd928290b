import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { asOrganizationId } from '@/access/organization-id';
import { CostsRepository } from '@/billing/costs/costs.repository';
import { newId } from '@/database/base.entity';
import { AiUsageRecorder, OpenAiClient } from '@/integrations/openai';
import type { DomainEvents } from '@/events/event-catalogue';
import { publishChatbot } from './support/chatbots';
import { FakeOpenAi } from './support/fake-openai';
import { addMember, register, type Account } from './support/identity';
import { outboxEvents } from './support/outbox';
import { startTestApp, type TestApp } from './support/test-app';
import { openAiChatFlow } from './support/flows';

interface Turn {
  sessionId: string;
  sessionToken: string;
  messages: { type: string; markdown?: string }[];
}

type LedgerRow = {
  id: string;
  organization_id: string;
  chatbot_id: string | null;
  session_id: string | null;
  source: string;
  operation: string;
  model: string;
  prompt_tokens: string;
  completion_tokens: string;
  audio_seconds: string | null;
  characters: string | null;
  cost_usd: string;
  priced: boolean;
  outcome: string;
};

interface Totals {
  cost: number;
  calls: number;
  promptTokens: number;
  completionTokens: number;
  audioSeconds: number;
  characters: number;
  unpricedCalls: number;
}

const texts = (turn: Turn) => turn.messages.filter((m) => m.type === 'text').map((m) => m.markdown);
/** USD numbers of a report in nano-dollars, to add them up exactly. */
const nanos = (usd: number): number => Math.round(usd * 1e9);

/** Asks for an audio URL and transcribes it with Whisper. */
const transcriptionFlow = {
  schemaVersion: 1,
  events: [{ id: 'start', type: 'start' }],
  variables: [
    { id: 'u', name: 'Url' },
    { id: 't', name: 'Text' },
  ],
  groups: [
    {
      id: 'g',
      blocks: [
        { id: 'ask', type: 'textInput', options: { variableId: 'u' } },
        { id: 'stt', type: 'openAiTranscription', options: { url: '{{Url}}', variableId: 't' } },
        { id: 'say', type: 'text', options: { text: 'You said: {{Text}}' } },
      ],
    },
  ],
  edges: [{ id: 'e', from: { eventId: 'start' }, to: { groupId: 'g' } }],
};

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** An `ai.usage_recorded` event written straight to the outbox, at a chosen time. */
async function insertUsageEvent(
  t: TestApp,
  organizationId: string,
  occurredAt: string,
  data: Partial<DomainEvents['ai.usage_recorded']>,
): Promise<string> {
  const id = newId();
  const full: DomainEvents['ai.usage_recorded'] = {
    chatbotId: null,
    sessionId: null,
    preview: false,
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4o-mini',
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    durationMs: 5,
    outcome: 'ok',
    connectionId: null,
    audioSeconds: null,
    characters: null,
    ...data,
  };
  await t.sql(
    `INSERT INTO outbox_events (id, type, organization_id, occurred_at, data) VALUES ($1, 'ai.usage_recorded', $2, $3, $4)`,
    [id, organizationId, occurredAt, JSON.stringify(full)],
  );
  return id;
}

describe('AI cost ledger, reports and the monthly AI budget', () => {
  const ai = new FakeOpenAi({ apiKey: 'sk-installation' });
  let t: TestApp;
  let acme: Account;
  let other: Account;
  let n = 0;

  const ledger = (where: string, params: unknown[]) =>
    t.sql<LedgerRow>(
      `SELECT id, organization_id, chatbot_id, session_id, source, operation, model, prompt_tokens::text,
              completion_tokens::text, audio_seconds::text, characters::text, cost_usd::text, priced, outcome
         FROM ai_cost_ledger WHERE ${where} ORDER BY occurred_at, id`,
      params,
    );
  const ledgerOf = (sessionId: string, count = 1) =>
    until(
      `${count} ledger row(s) of ${sessionId}`,
      () => ledger('session_id = $1', [sessionId]),
      (r) => r.length >= count,
    );

  const start = async (publicId: string) =>
    (await t.request<Turn>('POST', `/api/v1/bots/${publicId}/sessions`, { body: {} })).body;
  const say = async (turn: Turn, text: string) =>
    (
      await t.request<Turn>('POST', `/api/v1/sessions/${turn.sessionId}/messages`, {
        token: turn.sessionToken,
        body: { clientMessageId: `m${n++}`, text },
      })
    ).body;

  beforeAll(async () => {
    const { baseUrl } = await ai.start();
    t = await startTestApp({
      OPENAI_BASE_URL: baseUrl,
      OPENAI_API_KEY: 'sk-installation',
      OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true', // the audio to transcribe is served by the stand-in
      BILLING_QUOTA_CACHE_MS: '0',
    });
    acme = await register(t, { organizationName: 'Acme' });
    other = await register(t, { organizationName: 'Other' });
  });
  afterAll(async () => {
    await t?.close();
    await ai.stop();
  });
  beforeEach(() => ai.reset());

  it('writes a ledger row per OpenAI call with its cost from the price table', async () => {
    ai.queueChat(
      { content: 'Fine.', usage: { promptTokens: 1200, completionTokens: 300 } },
      // A dated snapshot, as the API reports it, is priced as its base model.
      { content: 'Big.', model: 'gpt-4o-2024-08-06', usage: { promptTokens: 1000, completionTokens: 100 } },
    );
    const bot = await publishChatbot(t, acme, { name: 'Priced bot', flow: openAiChatFlow() });
    const session = await start(bot.publicId);
    expect(texts(await say(session, 'How are you?'))).toEqual(['AI: Fine.']);
    const [row] = await ledgerOf(session.sessionId);
    const [event] = (await outboxEvents(t, 'ai.usage_recorded')).filter((e) => e.data.sessionId === session.sessionId);
    expect(row).toEqual({
      id: event!.id, // the event's id: a redelivery is the same row
      organization_id: acme.organizationId,
      chatbot_id: bot.id,
      session_id: session.sessionId,
      source: 'session',
      operation: 'chat',
      model: 'gpt-4o-mini',
      prompt_tokens: '1200',
      completion_tokens: '300',
      audio_seconds: null,
      characters: null,
      // 1,200 × $0.15/1M + 300 × $0.60/1M = $0.00018 + $0.00018
      cost_usd: '0.000360000',
      priced: true,
      outcome: 'ok',
    });

    const second = await start(bot.publicId);
    await say(second, 'And now?');
    const [snapshot] = await ledgerOf(second.sessionId);
    // 1,000 × $2.50/1M + 100 × $10/1M
    expect(snapshot).toMatchObject({ model: 'gpt-4o-2024-08-06', cost_usd: '0.003500000', priced: true });
  });

  it('prices a transcription per audio minute, inside a session and outside one', async () => {
    const url = ai.serveFile('note.ogg', Buffer.from('OggS voice'), 'audio/ogg');
    ai.queueTranscription({ text: 'call me', seconds: 90 }, { text: 'outside', seconds: 30 });
    const bot = await publishChatbot(t, acme, { name: 'Voice bot', flow: transcriptionFlow });
    const session = await start(bot.publicId);
    expect(texts(await say(session, url))).toEqual(['You said: call me']);
    const [row] = await ledgerOf(session.sessionId);
    // 90 s × $0.006/min
    expect(row).toMatchObject({
      source: 'session',
      operation: 'transcription',
      model: 'whisper-1',
      audio_seconds: '90.000',
      cost_usd: '0.009000000',
      priced: true,
    });

    // A transcription job (no session): recorded through AiUsageRecorder, source `transcription`.
    const org = asOrganizationId(acme.organizationId);
    const done = await t.app
      .get(OpenAiClient)
      .transcribe(
        { organizationId: org },
        { model: 'whisper-1', audio: { bytes: Buffer.from('RIFF'), fileName: 'a.wav', contentType: 'audio/wav' } },
      );
    expect(done.ok).toBe(true);
    await t.app.get(AiUsageRecorder).record(org, done.usage, { chatbotId: bot.id });
    const [job] = await until(
      'the transcription job row',
      () => ledger(`organization_id = $1 AND source = 'transcription'`, [acme.organizationId]),
      (rows) => rows.length === 1,
    );
    expect(job).toMatchObject({
      chatbot_id: bot.id,
      session_id: null,
      audio_seconds: '30.000',
      cost_usd: '0.003000000',
    });
  });

  it('marks calls of a model the table does not know as unpriced, at 0 USD', async () => {
    ai.queueChat({ content: 'Local model.', usage: { promptTokens: 500, completionTokens: 500 } });
    const bot = await publishChatbot(t, acme, { name: 'Own model', flow: openAiChatFlow({ model: 'acme-llm-7b' }) });
    const session = await start(bot.publicId);
    await say(session, 'Hi');
    const [row] = await ledgerOf(session.sessionId);
    expect(row).toMatchObject({ model: 'acme-llm-7b', cost_usd: '0.000000000', priced: false, prompt_tokens: '500' });
    const report = await t.request('GET', `/api/v1/billing/costs?chatbotId=${bot.id}`, { token: acme.accessToken });
    expect(report.status).toBe(200);
    expect(report.body.total).toEqual({
      cost: 0,
      calls: 1,
      promptTokens: 500,
      completionTokens: 500,
      audioSeconds: 0,
      characters: 0,
      unpricedCalls: 1,
    });
    expect(report.body.byModel).toEqual([expect.objectContaining({ model: 'acme-llm-7b', unpricedCalls: 1 })]);
  });

  it('keeps one row for a redelivered event, and counts it once in the month', async () => {
    const id = await insertUsageEvent(t, other.organizationId, new Date().toISOString(), {
      model: 'gpt-4o',
      promptTokens: 4000,
    });
    await until(
      'the row',
      () => ledger('id = $1', [id]),
      (rows) => rows.length === 1,
    );
    const month = () =>
      t.sql<{ cost_usd: string; calls: string }>(
        `SELECT cost_usd::text, calls::text FROM ai_spend_monthly WHERE organization_id = $1`,
        [other.organizationId],
      );
    expect(await month()).toEqual([{ cost_usd: '0.010000000', calls: '1' }]);
    // The dispatcher claims it again (as after a crash before its commit).
    await t.sql('UPDATE outbox_events SET dispatched_at = NULL WHERE id = $1', [id]);
    await until(
      'the redelivery',
      () => t.sql<{ dispatched_at: Date | null }>('SELECT dispatched_at FROM outbox_events WHERE id = $1', [id]),
      ([row]) => row?.dispatched_at !== null,
    );
    expect(await ledger('id = $1', [id])).toHaveLength(1);
    expect(await month()).toEqual([{ cost_usd: '0.010000000', calls: '1' }]);
  });

  describe('reports', () => {
    let owner: Account;
    let alpha: { id: string };
    let beta: { id: string };

    beforeAll(async () => {
      owner = await register(t, { organizationName: 'Reports' });
      alpha = await publishChatbot(t, owner, { name: 'Alpha', flow: openAiChatFlow() });
      beta = await publishChatbot(t, owner, { name: '=Beta', flow: openAiChatFlow() });
      const org = owner.organizationId;
      const day1 = '2025-06-30T23:59:59.999Z';
      const day2 = '2025-07-01T00:00:00.000Z';
      const ids = [
        // Day 1: Alpha 2 calls on gpt-4o-mini, one on gpt-4o; Beta one transcription.
        await insertUsageEvent(t, org, day1, { chatbotId: alpha.id, promptTokens: 1000, completionTokens: 1000 }),
        await insertUsageEvent(t, org, day1, { chatbotId: alpha.id, promptTokens: 2000 }),
        await insertUsageEvent(t, org, day1, { chatbotId: alpha.id, model: 'gpt-4o', completionTokens: 100 }),
        await insertUsageEvent(t, org, day1, {
          chatbotId: beta.id,
          operation: 'transcription',
          model: 'whisper-1',
          audioSeconds: 60,
        }),
        // Day 2: Beta on gpt-4o-mini, a call outside any chatbot, an unknown model, a failed call.
        await insertUsageEvent(t, org, day2, { chatbotId: beta.id, promptTokens: 100, completionTokens: 50 }),
        await insertUsageEvent(t, org, day2, { model: 'gpt-4o', promptTokens: 400 }),
        await insertUsageEvent(t, org, day2, { chatbotId: beta.id, model: 'mystery', promptTokens: 7 }),
        await insertUsageEvent(t, org, day2, { chatbotId: alpha.id, outcome: 'error', promptTokens: 0 }),
        // Outside the range.
        await insertUsageEvent(t, org, '2025-07-02T00:00:00.000Z', { chatbotId: alpha.id, promptTokens: 1_000_000 }),
      ];
      await until(
        'the report rows',
        () => t.sql('SELECT id FROM ai_cost_ledger WHERE id = ANY($1::uuid[])', [ids]),
        (rows) => rows.length === ids.length,
      );
    });

    const get = (query: string, account = owner) =>
      t.request('GET', `/api/v1/billing/costs${query}`, { token: account.accessToken });

    it('breaks a range down by day, model and chatbot, each adding up to the total', async () => {
      const res = await get('?from=2025-06-30&to=2025-07-01');
      expect(res.status).toBe(200);
      const report = res.body as {
        from: string;
        to: string;
        currency: string;
        total: Totals;
        byDay: (Totals & { day: string })[];
        byModel: (Totals & { model: string })[];
        byChatbot: (Totals & { chatbotId: string | null; name: string | null })[];
      };
      // gpt-4o-mini: 1000×0.15 + 1000×0.60 = 750 µ$; 2000×0.15 = 300 µ$; 100×0.15 + 50×0.60 = 45 µ$
      // gpt-4o: 100×10 = 1000 µ$; 400×2.50 = 1000 µ$. whisper-1: 1 min = 6000 µ$. mystery, failed: 0.
      expect(report).toMatchObject({ from: '2025-06-30', to: '2025-07-01', currency: 'USD' });
      expect(report.total).toEqual({
        cost: 0.009095,
        calls: 8,
        promptTokens: 3507,
        completionTokens: 1150,
        audioSeconds: 60,
        characters: 0,
        unpricedCalls: 1,
      });
      expect(report.byDay.map((d) => [d.day, d.calls, d.cost])).toEqual([
        ['2025-06-30', 4, 0.00805],
        ['2025-07-01', 4, 0.001045],
      ]);
      expect(report.byModel.map((m) => [m.model, m.calls, m.cost])).toEqual([
        ['whisper-1', 1, 0.006],
        ['gpt-4o', 2, 0.002],
        ['gpt-4o-mini', 4, 0.001095],
        ['mystery', 1, 0],
      ]);
      expect(report.byChatbot.map((c) => [c.chatbotId, c.name, c.calls, c.cost])).toEqual([
        [beta.id, '=Beta', 3, 0.006045],
        [alpha.id, 'Alpha', 4, 0.00205],
        [null, null, 1, 0.001],
      ]);
      for (const breakdown of [report.byDay, report.byModel, report.byChatbot]) {
        const sum = (key: keyof Totals) =>
          breakdown.reduce((s, row) => s + (key === 'cost' ? nanos(row.cost) : row[key]), 0);
        expect({
          cost: sum('cost'),
          calls: sum('calls'),
          promptTokens: sum('promptTokens'),
          completionTokens: sum('completionTokens'),
          audioSeconds: sum('audioSeconds'),
          unpricedCalls: sum('unpricedCalls'),
        }).toEqual({
          cost: nanos(report.total.cost),
          calls: report.total.calls,
          promptTokens: report.total.promptTokens,
          completionTokens: report.total.completionTokens,
          audioSeconds: report.total.audioSeconds,
          unpricedCalls: report.total.unpricedCalls,
        });
      }
    });

    it('includes `to`, filters by chatbot, and defaults to the current month', async () => {
      const first = await get('?from=2025-06-30&to=2025-06-30');
      expect(first.body.total).toMatchObject({ calls: 4, cost: 0.00805 });
      const alphaOnly = await get(`?from=2025-06-01&to=2025-07-31&chatbotId=${alpha.id}`);
      expect(alphaOnly.body.total).toMatchObject({ calls: 5, cost: 0.15205 });
      expect(alphaOnly.body.byChatbot.map((c: { chatbotId: string }) => c.chatbotId)).toEqual([alpha.id]);
      const current = await get('');
      const today = new Date().toISOString().slice(0, 10);
      expect(current.body).toMatchObject({ from: `${today.slice(0, 8)}01`, to: today });
      expect(current.body.total.calls).toBe(0);
      expect(current.body.byDay).toEqual([]);
    });

    it('exports the ledger entries of the range as CSV', async () => {
      const res = await fetch(`${t.url}/api/v1/billing/costs.csv?from=2025-06-30&to=2025-07-01`, {
        headers: { authorization: `Bearer ${owner.accessToken}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="ai-costs-2025-06-30-2025-07-01.csv"');
      const lines = (await res.text()).trim().split('\n');
      expect(lines[0]).toBe(
        'occurred_at,event_id,chatbot_id,chatbot_name,session_id,source,operation,model,prompt_tokens,' +
          'completion_tokens,audio_seconds,characters,cost_usd,priced,outcome,connection_id',
      );
      expect(lines).toHaveLength(9);
      expect(lines[1]).toMatch(
        new RegExp(
          `^2025-06-30T23:59:59.999Z,[0-9a-f-]{36},${alpha.id},Alpha,,chat,chat,gpt-4o-mini,1000,1000,,,0.000750000,true,ok,$`,
        ),
      );
      // A spreadsheet does not run the chatbot's name as a formula.
      expect(lines.find((l) => l.includes('whisper-1'))).toContain(`${beta.id},'=Beta,,transcription,`);
      expect(lines.find((l) => l.includes('whisper-1'))).toContain(',60.000,,0.006000000,true,ok,');
      // Keyset batches smaller than the range give the same rows in the same order.
      const paged: string[] = [];
      const repo = t.app.get(CostsRepository, { strict: false });
      const filter = { from: '2025-06-30', toExclusive: '2025-07-02' };
      for await (const entry of repo.entries(asOrganizationId(owner.organizationId), filter, 3)) paged.push(entry.id);
      expect(paged).toEqual(lines.slice(1).map((line) => line.split(',')[1]));
      const cents = lines.slice(1).reduce((sum, line) => sum + nanos(Number(line.split(',')[12])), 0);
      expect(cents).toBe(nanos(0.009095));
    });

    it('answers 400 naming the field for a bad range', async () => {
      for (const [query, field] of [
        ['?from=2025-02-30', 'from'],
        ['?from=yesterday', 'from'],
        ['?to=2025-13-01', 'to'],
        ['?from=2025-07-02&to=2025-07-01', 'to'],
        ['?from=2024-01-01&to=2025-01-01', 'to'],
        ['?from=0000-01-01&to=9999-12-31', 'from'],
        ['?chatbotId=nope', 'chatbotId'],
        ['?from=2025-01-01&from=2025-01-02', 'from'],
      ] as const) {
        const res = await get(query);
        expect([query, res.status]).toEqual([query, 400]);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
      const csv = await t.request('GET', '/api/v1/billing/costs.csv?from=2025-07-02&to=2025-07-01', {
        token: owner.accessToken,
      });
      expect(csv.status).toBe(400);
      expect(csv.body.code).toBe('billing.cost_range_invalid');
    });

    it("shows nothing of another organization's costs", async () => {
      const foreign = await get(`?from=2025-06-01&to=2025-07-31&chatbotId=${alpha.id}`, other);
      expect(foreign.status).toBe(200);
      expect(foreign.body.total.calls).toBe(0);
      const all = await get('?from=2025-06-01&to=2025-07-31', other);
      expect(all.body.total.calls).toBe(0);
      const csv = await t.request('GET', '/api/v1/billing/costs.csv?from=2025-06-01&to=2025-07-31', {
        token: other.accessToken,
      });
      expect(csv.text.trim().split('\n')).toHaveLength(1);
      expect(csv.text).not.toContain(alpha.id);
    });

    it('is for org_admins: agents and viewers get 403', async () => {
      const agent = await addMember(t, owner, 'agent');
      const viewer = await addMember(t, owner, 'viewer');
      for (const account of [agent, viewer]) {
        expect((await get('', account)).status).toBe(403);
        expect((await t.request('GET', '/api/v1/billing/costs.csv', { token: account.accessToken })).status).toBe(403);
      }
    });
  });

  describe('monthly AI budget', () => {
    let owner: Account;
    let bot: { id: string; publicId: string };
    const budget = (account: Account, body?: unknown) =>
      t.request(body === undefined ? 'GET' : 'PUT', '/api/v1/billing/budget', { token: account.accessToken, body });
    const warnings = async () =>
      (await outboxEvents(t, 'billing.quota_warning')).filter((e) => e.organizationId === owner.organizationId);

    beforeAll(async () => {
      owner = await register(t, { organizationName: 'Budgeted' });
      bot = await publishChatbot(t, owner, { name: 'Spender', flow: openAiChatFlow({ model: 'gpt-4o' }) });
    });

    it('warns at 80% once, refuses OpenAI calls at 100% with the reason in the turn log, and calls again once removed', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn');
      expect((await budget(owner)).body).toEqual({
        monthlyBudgetUsd: null,
        monthToDateUsd: 0,
        percentUsed: null,
        periodStart: expect.stringMatching(/^\d{4}-\d{2}-01T00:00:00\.000Z$/),
        currency: 'USD',
      });
      const set = await budget(owner, { monthlyBudgetUsd: 1 });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ monthlyBudgetUsd: 1, monthToDateUsd: 0, percentUsed: 0 });

      // 320,000 × $2.50/1M = $0.80: 80%.
      ai.queueChat({ content: 'One.', usage: { promptTokens: 320_000, completionTokens: 0 } });
      const first = await start(bot.publicId);
      expect(texts(await say(first, 'Spend'))).toEqual(['AI: One.']);
      await ledgerOf(first.sessionId);
      const eighty = await until('the 80% warning', warnings, (w) => w.length > 0);
      const monthStart = `${new Date().toISOString().slice(0, 8)}01T00:00:00.000Z`;
      expect(eighty.map((e) => e.data)).toEqual([
        { limit: 'ai_budget_usd', threshold: 80, used: 0.8, max: 1, periodStart: monthStart },
      ]);

      // Still under the budget: the call goes; $0.80 + 100,000 × $2.50/1M = $1.05.
      ai.queueChat({ content: 'Two.', usage: { promptTokens: 100_000, completionTokens: 0 } });
      const second = await start(bot.publicId);
      expect(texts(await say(second, 'Spend more'))).toEqual(['AI: Two.']);
      await ledgerOf(second.sessionId);
      const both = await until('the 100% warning', warnings, (w) => w.length > 1);
      expect(both.map((e) => e.data)).toEqual([
        { limit: 'ai_budget_usd', threshold: 80, used: 0.8, max: 1, periodStart: monthStart },
        { limit: 'ai_budget_usd', threshold: 100, used: 1.05, max: 1, periodStart: monthStart },
      ]);
      expect((await budget(owner)).body).toMatchObject({ monthlyBudgetUsd: 1, monthToDateUsd: 1.05, percentUsed: 105 });

      // Spent: the block takes its error path without a request to OpenAI; the log says why.
      const requests = ai.chatRequests.length;
      const third = await start(bot.publicId);
      expect(texts(await say(third, 'Once more'))).toEqual(['AI: ']);
      expect(ai.chatRequests).toHaveLength(requests);
      const logs = await t.request<{ blockId: string; outcome: string; error?: string }[]>(
        'GET',
        `/api/v1/sessions/${third.sessionId}/logs`,
        { token: owner.accessToken },
      );
      const message = 'the monthly AI budget of $1.00 is spent ($1.05 this month)';
      expect(logs.body.filter((s) => s.blockId === 'ai' && s.outcome !== 'awaiting_effect')).toEqual([
        expect.objectContaining({ outcome: 'error', error: message }),
      ]);
      expect(warn.mock.calls.map(([line]) => String(line))).toContainEqual(
        `OpenAI chat call refused for organization ${owner.organizationId} (budget_exceeded): ${message}`,
      );
      // Nothing reached OpenAI, so nothing was metered.
      expect(await ledger('session_id = $1', [third.sessionId])).toEqual([]);
      // No third warning: each threshold once a month.
      expect(await warnings()).toHaveLength(2);
      warn.mockRestore();

      // Budget removed: calls go again (BILLING_QUOTA_CACHE_MS=0 here).
      expect((await budget(owner, { monthlyBudgetUsd: null })).body).toMatchObject({
        monthlyBudgetUsd: null,
        percentUsed: null,
      });
      ai.queueChat('Back.');
      const fourth = await start(bot.publicId);
      expect(texts(await say(fourth, 'Hello again'))).toEqual(['AI: Back.']);
      expect(ai.chatRequests).toHaveLength(requests + 1);
    });

    it('lets members read it, only org_admins set it, and keeps it per organization', async () => {
      const agent = await addMember(t, owner, 'agent');
      const viewer = await addMember(t, owner, 'viewer');
      expect((await budget(owner, { monthlyBudgetUsd: 50 })).status).toBe(200);
      for (const account of [agent, viewer]) {
        const read = await budget(account);
        expect([read.status, read.body.monthlyBudgetUsd]).toEqual([200, 50]);
        expect((await budget(account, { monthlyBudgetUsd: 1000 })).status).toBe(403);
      }
      expect((await budget(other)).body.monthlyBudgetUsd).toBeNull();
      const stored = await t.sql('SELECT organization_id, monthly_budget_usd::text AS usd FROM ai_budgets ORDER BY 1');
      expect(stored).toEqual([{ organization_id: owner.organizationId, usd: '50.00' }]);
    });

    it('answers 400 naming the field for a bad budget', async () => {
      for (const body of [
        {},
        { monthlyBudgetUsd: -1 },
        { monthlyBudgetUsd: 1.234 },
        { monthlyBudgetUsd: '20' },
        { monthlyBudgetUsd: 2e9 },
      ]) {
        const res = await budget(owner, body);
        expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
        expect([...new Set(res.body.errors.map((e: { field: string }) => e.field))]).toEqual(['monthlyBudgetUsd']);
      }
      expect((await budget(owner)).body.monthlyBudgetUsd).toBe(50);
    });
  });
});

describe('BILLING_PRICES_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-prices-'));

  it('overrides the built-in price of a model', async () => {
    const file = join(dir, 'prices.json');
    writeFileSync(file, JSON.stringify({ 'gpt-4o-mini': { input: 1, output: 2 } }));
    const t = await startTestApp({ BILLING_PRICES_FILE: file });
    try {
      const account = await register(t);
      const id = await insertUsageEvent(t, account.organizationId, new Date().toISOString(), {
        promptTokens: 1000,
        completionTokens: 1000,
      });
      const [row] = await until(
        'the row',
        () => t.sql<{ cost_usd: string }>('SELECT cost_usd::text FROM ai_cost_ledger WHERE id = $1', [id]),
        (rows) => rows.length === 1,
      );
      // 1,000 × $1/1M + 1,000 × $2/1M (the built-in gpt-4o-mini would be $0.00075)
      expect(row).toEqual({ cost_usd: '0.003000000' });
    } finally {
      await t.close();
    }
  });

  it('stops the boot with a message naming the file and the field', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ 'gpt-4o': { input: 'cheap' } }));
    await expect(startTestApp({ BILLING_PRICES_FILE: file })).rejects.toThrow(
      new RegExp(`BILLING_PRICES_FILE \\(${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\): gpt-4o\\.input: `),
    );
  });
});
