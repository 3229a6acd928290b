import { FakeOpenAi } from './support/fake-openai';
import { publishChatbot } from './support/chatbots';
import { register, type Account } from './support/identity';
import { startTestApp, type TestApp } from './support/test-app';
import { openAiChatFlow } from './support/flows';
import { outboxDrained } from './support/outbox';

interface Turn {
  sessionId: string;
  sessionToken: string;
  messages: { type: string; markdown?: string }[];
}

/**
 * Billing's hold on AI spend, end to end: the plan's AI tokens (billing core's `Quotas`) and the
 * monthly AI budget (the cost ledger's `AiBudgets`), both asked by `AiSpendGuard` before the
 * OpenAI block calls out. A refusal takes the block's error path; nothing reaches the provider.
 */
describe('AI spend held by billing', () => {
  const ai = new FakeOpenAi({ apiKey: 'sk-installation' });
  let t: TestApp;
  let n = 0;

  beforeAll(async () => {
    const { baseUrl } = await ai.start();
    t = await startTestApp({
      OPENAI_BASE_URL: baseUrl,
      OPENAI_API_KEY: 'sk-installation',
      BILLING_QUOTA_CACHE_MS: '0',
      OUTBOX_POLL_INTERVAL_MS: '200',
    });
  });
  afterAll(async () => {
    await t.close();
    await ai.stop();
  });
  beforeEach(() => ai.reset());

  const ask = async (publicId: string, text: string): Promise<Turn> => {
    const start = await t.request<Turn>('POST', `/api/v1/bots/${publicId}/sessions`, { body: {} });
    const turn = await t.request<Turn>('POST', `/api/v1/sessions/${start.body.sessionId}/messages`, {
      token: start.body.sessionToken,
      body: { clientMessageId: `m${n++}`, text },
    });
    expect(turn.status).toBe(200);
    return turn.body;
  };
  const texts = (turn: Turn) => turn.messages.filter((m) => m.type === 'text').map((m) => m.markdown);

  /** Until the outbox is drained: every AI call so far is metered and in the ledger. */
  const metered = () => outboxDrained(t);

  const lastLog = async (sessionId: string): Promise<string> =>
    JSON.stringify(
      (
        await t.sql<{ steps: unknown }>(
          'SELECT steps FROM session_turn_logs WHERE session_id = $1 ORDER BY turn DESC LIMIT 1',
          [sessionId],
        )
      )[0]?.steps,
    );

  /** Puts `admin`'s organization on `starter` with `aiTokens` AI tokens a period (this file's own database). */
  const onStarterWithAiTokens = async (admin: Account, aiTokens: number): Promise<void> => {
    await t.sql(
      `UPDATE plans SET limits = limits || jsonb_build_object('ai_tokens', $1::bigint) WHERE code = 'starter'`,
      [aiTokens],
    );
    await t.sql(`UPDATE subscriptions SET plan_code = 'starter', status = 'active' WHERE organization_id = $1`, [
      admin.organizationId,
    ]);
  };

  it("refuses OpenAI calls once the plan's AI tokens are used: the block's error path, no request", async () => {
    const admin = await register(t);
    await onStarterWithAiTokens(admin, 20);
    const bot = await publishChatbot(t, admin, { name: 'tokens', flow: openAiChatFlow() });

    ai.queueChat({ content: 'We open at 9.', usage: { promptTokens: 15, completionTokens: 10 } });
    expect(texts(await ask(bot.publicId, 'When do you open?'))).toEqual(['AI: We open at 9.']);
    expect(ai.chatRequests).toHaveLength(1);
    await metered();
    const usage = await t.request('GET', '/api/v1/billing/usage', { token: admin.accessToken });
    expect(usage.body.limits).toEqual(
      expect.arrayContaining([expect.objectContaining({ limit: 'ai_tokens', used: 25, max: 20 })]),
    );

    const refused = await ask(bot.publicId, 'And on Sunday?');
    expect(texts(refused)).toEqual(['AI: ']);
    expect(ai.chatRequests).toHaveLength(1);
    const log = await lastLog(refused.sessionId);
    expect(log).toContain('"outcome":"error"');
    expect(log).toContain('The starter plan allows 20 AI tokens this period (ai_tokens); 25 are used.');
  });

  it('refuses OpenAI calls once the monthly AI budget is spent, and calls again when it is raised', async () => {
    const admin = await register(t);
    const bot = await publishChatbot(t, admin, { name: 'budget', flow: openAiChatFlow() });
    const budget = await t.request('PUT', '/api/v1/billing/budget', {
      token: admin.accessToken,
      body: { monthlyBudgetUsd: 0.01 },
    });
    expect(budget.status).toBe(200);

    // gpt-4o-mini (the block's default) at its table price: 100,000 prompt tokens cost more than a cent.
    ai.queueChat({ content: 'Long answer.', usage: { promptTokens: 100_000, completionTokens: 1_000 } });
    expect(texts(await ask(bot.publicId, 'Tell me everything.'))).toEqual(['AI: Long answer.']);
    await metered();

    const refused = await ask(bot.publicId, 'More?');
    expect(texts(refused)).toEqual(['AI: ']);
    expect(ai.chatRequests).toHaveLength(1);
    const log = await lastLog(refused.sessionId);
    expect(log).toContain('the monthly AI budget of $0.01 is spent ($0.02 this month)');

    await t.request('PUT', '/api/v1/billing/budget', { token: admin.accessToken, body: { monthlyBudgetUsd: 100 } });
    ai.queueChat({ content: 'Back.', usage: { promptTokens: 5, completionTokens: 1 } });
    expect(texts(await ask(bot.publicId, 'Now?'))).toEqual(['AI: Back.']);
    expect(ai.chatRequests).toHaveLength(2);
  });
});
