import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { asOrganizationId } from '@/access/organization-id';
import { Quotas } from '@/billing/billing.contracts';
import { SubscriptionRollover } from '@/billing/subscription-rollover';
import { newId } from '@/database/base.entity';
import { addMember, register, type Account } from './support/identity';
import { publishChatbot } from './support/chatbots';
import { withQueueEvents } from './support/queues';
import { uploadImport } from './support/contact-imports';
import { outboxDrained, outboxEvents } from './support/outbox';
import type { DomainEvents, EventType } from '@/events/event-catalogue';
import { databaseUrl } from './support/test-env';
import { startTestApp, type TestApp } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';
import { echoLoopFlow } from './support/flows';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Billing across two app processes (two apps on their own ports sharing PostgreSQL and Redis, both
 * API and worker: two outbox dispatchers claim batches side by side). Quota snapshots are read on
 * every check here (`BILLING_QUOTA_CACHE_MS=0`); the cache has a unit spec.
 */
describe('billing', () => {
  let a: TestApp;
  let b: TestApp;
  /** Same database, quotas not enforced. */
  let lenient: TestApp;
  let root: Account;
  let receiver: WebhookReceiver;
  let hooks: string;

  beforeAll(async () => {
    receiver = new WebhookReceiver();
    hooks = await receiver.start();
    const env = {
      BILLING_QUOTA_CACHE_MS: '0',
      OUTBOX_POLL_INTERVAL_MS: '200',
      OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true',
    };
    a = await startTestApp(env);
    b = await startTestApp({
      ...env,
      DATABASE_URL: databaseUrl(a.databaseName),
      REDIS_KEY_PREFIX: a.config.redis.keyPrefix,
    });
    lenient = await startTestApp({
      ...env,
      DATABASE_URL: databaseUrl(a.databaseName),
      REDIS_KEY_PREFIX: a.config.redis.keyPrefix,
      BILLING_ENFORCE_QUOTAS: 'false',
    });
    root = await register(a);
    await a.sql('UPDATE users SET super_admin = true WHERE id = $1', [root.userId]);
  });
  afterAll(async () => {
    await lenient?.close();
    await b?.close();
    await a?.close();
    await receiver?.stop();
  });

  /** Until every event committed so far is metered (both dispatchers drained the outbox). */
  const metered = () => outboxDrained(a);

  async function usageOf(account: Account): Promise<Record<string, { used: number; max: number | null }>> {
    const usage = await a.request('GET', '/api/v1/billing/usage', { token: account.accessToken });
    expect(usage.status).toBe(200);
    return Object.fromEntries(
      (usage.body.limits as { limit: string; used: number; max: number | null }[]).map((l) => [l.limit, l]),
    );
  }

  async function onPlan(account: Account, plan: string): Promise<void> {
    await a.sql('UPDATE subscriptions SET plan_code = $2, status = $3 WHERE organization_id = $1', [
      account.organizationId,
      plan,
      'active',
    ]);
  }

  /** The data of the outbox events of `type` of `account`'s organization, oldest first. */
  const eventsOf = async <T extends EventType>(type: T, account: Account): Promise<DomainEvents[T][]> =>
    (await outboxEvents(a, type)).filter((e) => e.organizationId === account.organizationId).map((e) => e.data);

  const editPlan = (code: string, body: Record<string, unknown>) =>
    a.request('PATCH', `/api/v1/billing/plans/${code}`, { token: root.accessToken, body });

  it('gives a new organization the trial, lists the plans, and counts usage from zero', async () => {
    const admin = await register(a);
    const subscription = await a.request('GET', '/api/v1/billing/subscription', { token: admin.accessToken });
    expect(subscription.status).toBe(200);
    expect(subscription.body).toMatchObject({ plan: 'professional', status: 'trialing', cancelAtPeriodEnd: false });
    const days = (Date.parse(subscription.body.trialEndsAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThanOrEqual(14);

    const plans = await a.request('GET', '/api/v1/billing/plans', { token: admin.accessToken });
    expect(plans.body.map((p: { code: string }) => p.code)).toEqual(['free', 'starter', 'professional', 'enterprise']);
    expect(plans.body[0].limits).toMatchObject({ members: 2, chatbots: 2, whatsapp_numbers: 0 });
    expect(plans.body[3].limits.messages).toBeNull();

    const usage = await a.request('GET', '/api/v1/billing/usage', { token: admin.accessToken });
    expect(usage.body).toMatchObject({ plan: 'professional', webhookDeliveries: 0, transcriptionSeconds: 0 });
    expect(usage.body.limits).toContainEqual({ limit: 'members', used: 1, max: 50, percent: 2, period: false });
    expect(usage.body.limits).toContainEqual({ limit: 'sessions', used: 0, max: 100000, percent: 0, period: true });
  });

  it('counts sessions and messages exactly when they run concurrently on both processes', async () => {
    const admin = await register(a);
    const bot = await publishChatbot(a, admin, { name: 'loop', flow: echoLoopFlow });
    const N = 40;
    const apps = (i: number) => (i % 2 === 0 ? a : b);
    const started = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const res = await apps(i).request('POST', `/api/v1/bots/${bot.publicId}/sessions`, { body: {} });
        expect(res.status).toBe(201);
        return res.body as { sessionId: string; sessionToken: string };
      }),
    );
    // Two turns per session, on the process the session did not start on.
    await Promise.all(
      started.flatMap((s, i) =>
        [1, 2].map(async (turn) => {
          const res = await apps(i + 1).request('POST', `/api/v1/sessions/${s.sessionId}/messages`, {
            token: s.sessionToken,
            body: { clientMessageId: `${s.sessionId}-${turn}`, text: `hello ${turn}` },
          });
          expect(res.status).toBe(200);
        }),
      ),
    );
    await metered();
    const usage = await usageOf(admin);
    const [stored] = await a.sql<{ sessions: string; messages: string }>(
      `SELECT (SELECT count(*) FROM chat_sessions WHERE organization_id = $1) AS sessions,
              (SELECT count(*) FROM conversation_messages WHERE organization_id = $1 AND kind = 'message') AS messages`,
      [admin.organizationId],
    );
    expect(usage.sessions!.used).toBe(N);
    // The first bubble, then per turn the visitor's message and the echo.
    expect(usage.messages!.used).toBe(N * 5);
    expect([Number(stored!.sessions), Number(stored!.messages)]).toEqual([N, N * 5]);
  });

  it('refuses REST actions past a limit with 402 naming the limit', async () => {
    const admin = await register(a);
    await onPlan(admin, 'free');
    await publishChatbot(a, admin, { name: 'one', flow: echoLoopFlow });
    await publishChatbot(a, admin, { name: 'two', flow: echoLoopFlow });
    const third = await a.request('POST', '/api/v1/chatbots', { token: admin.accessToken, body: { name: 'three' } });
    expect(third.status).toBe(402);
    expect(third.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(third.body).toMatchObject({
      code: 'billing.quota_exceeded',
      status: 402,
      limit: 'chatbots',
      used: 2,
      max: 2,
      plan: 'free',
    });
    expect(third.body.detail).toMatch(/chatbots/);
    // A clone is a new chatbot too; WhatsApp numbers are not in the free plan.
    const [bot] = await a.sql<{ id: string }>('SELECT id FROM chatbots WHERE organization_id = $1 LIMIT 1', [
      admin.organizationId,
    ]);
    const clone = await a.request('POST', `/api/v1/chatbots/${bot!.id}/clone`, { token: admin.accessToken, body: {} });
    expect([clone.status, clone.body.limit]).toEqual([402, 'chatbots']);
    // Members: the admin and one open invitation fill the free plan's two.
    const invited = await a.request('POST', '/api/v1/invitations', {
      token: admin.accessToken,
      body: { email: `x.${newId()}@example.com`, role: 'agent' },
    });
    expect(invited.status).toBe(201);
    const over = await a.request('POST', '/api/v1/invitations', {
      token: admin.accessToken,
      body: { email: `y.${newId()}@example.com`, role: 'agent' },
    });
    expect([over.status, over.body.limit, over.body.used, over.body.max]).toEqual([402, 'members', 2, 2]);
    // Reaching 100% of a resource limit warns once.
    const warnings = (await eventsOf('billing.quota_warning', admin)).filter((w) => w.limit === 'members');
    expect(warnings.map((w) => w.threshold)).toEqual([80, 100]);
    const usage = await usageOf(admin);
    expect(usage.chatbots).toMatchObject({ used: 2, max: 2 });

    // WhatsApp numbers are not in the free plan.
    const whatsapp = await a.request('POST', '/api/v1/channels/whatsapp', {
      token: admin.accessToken,
      body: {
        phoneNumberId: '900000000000901',
        businessAccountId: '900000000000902',
        accessToken: 'token',
        appSecret: 'secret',
        verifyToken: 'verify-token',
      },
    });
    expect([whatsapp.status, whatsapp.body.limit, whatsapp.body.max]).toEqual([402, 'whatsapp_numbers', 0]);
    // Contacts: one allowed here; then neither a contact nor an import.
    expect((await editPlan('free', { limits: { contacts: 1 } })).status).toBe(200);
    const contact = (name: string) =>
      a.request('POST', '/api/v1/contacts', { token: admin.accessToken, body: { name } });
    expect((await contact('Ada')).status).toBe(201);
    const full = await contact('Grace');
    expect([full.status, full.body.limit, full.body.used]).toEqual([402, 'contacts', 1]);
    const upload = await uploadImport(a, admin.accessToken, 'name,email\nLin,lin@example.com\n');
    expect([upload.status, upload.body.code]).toEqual([402, 'billing.quota_exceeded']);
    expect((await editPlan('free', { limits: { contacts: 1000 } })).status).toBe(200);
  });

  it("answers the organization's unavailable message on the native and Typebot chat APIs at the limits", async () => {
    const admin = await register(a);
    await onPlan(admin, 'starter');
    expect((await editPlan('starter', { limits: { sessions: 2 } })).status).toBe(200);
    const settings = await a.request('PATCH', '/api/v1/billing/settings', {
      token: admin.accessToken,
      body: { unavailableMessage: 'We are closed for now.' },
    });
    expect(settings.body).toEqual({ unavailableMessage: 'We are closed for now.' });
    const bot = await publishChatbot(a, admin, { name: 'loop', flow: echoLoopFlow });

    const first = await a.request('POST', `/api/v1/bots/${bot.publicId}/sessions`, { body: {} });
    const typebotFirst = await b.request('POST', `/api/v1/typebots/${bot.publicId}/startChat`, {
      body: { textBubbleContentFormat: 'markdown' },
    });
    expect([first.status, typebotFirst.status]).toEqual([201, 200]);
    await metered();

    // Sessions: 2 of 2 used.
    const refused = await a.request('POST', `/api/v1/bots/${bot.publicId}/sessions`, { body: {} });
    expect(refused.status).toBe(201);
    expect(refused.body).toMatchObject({ status: 'active', input: null });
    expect(refused.body.messages).toEqual([
      expect.objectContaining({ type: 'text', markdown: 'We are closed for now.' }),
    ]);
    const [stored] = await a.sql<{ n: string }>('SELECT count(*) AS n FROM chat_sessions WHERE id = $1', [
      refused.body.sessionId,
    ]);
    expect(stored!.n).toBe('0');
    const typebotRefused = await b.request('POST', `/api/v1/typebots/${bot.publicId}/startChat`, {
      body: { textBubbleContentFormat: 'markdown' },
    });
    expect(typebotRefused.status).toBe(200);
    expect(typebotRefused.body.messages).toEqual([
      expect.objectContaining({ type: 'text', content: { type: 'markdown', markdown: 'We are closed for now.' } }),
    ]);
    expect(typebotRefused.body.input).toBeUndefined();

    // Messages: the limit is what is used now, so the next turn is refused (the session stays put).
    const used = (await usageOf(admin)).messages!.used;
    expect((await editPlan('starter', { limits: { messages: used } })).status).toBe(200);
    const turn = await a.request('POST', `/api/v1/sessions/${first.body.sessionId}/messages`, {
      token: first.body.sessionToken,
      body: { clientMessageId: 'm1', text: 'anyone?' },
    });
    expect(turn.status).toBe(200);
    expect(turn.body.messages).toEqual([expect.objectContaining({ markdown: 'We are closed for now.' })]);
    expect(turn.body.input).toBeNull();
    const typebotTurn = await b.request('POST', `/api/v1/sessions/${typebotFirst.body.sessionId}/continueChat`, {
      body: { message: 'anyone?', textBubbleContentFormat: 'markdown' },
    });
    expect(typebotTurn.status).toBe(200);
    expect(typebotTurn.body.messages).toEqual([
      expect.objectContaining({ content: { type: 'markdown', markdown: 'We are closed for now.' } }),
    ]);
    const [session] = await a.sql<{ turn: number }>('SELECT turn FROM chat_sessions WHERE id = $1', [
      first.body.sessionId,
    ]);
    expect(session!.turn).toBe(1);

    // Room again (the plan is raised): the same session goes on.
    expect((await editPlan('starter', { limits: { messages: 50000, sessions: 5000 } })).status).toBe(200);
    const again = await a.request('POST', `/api/v1/sessions/${first.body.sessionId}/messages`, {
      token: first.body.sessionToken,
      body: { clientMessageId: 'm2', text: 'hello' },
    });
    expect(again.body.messages).toEqual([expect.objectContaining({ markdown: 'You said: hello' })]);
    // Back to the default message.
    const reset = await a.request('PATCH', '/api/v1/billing/settings', {
      token: admin.accessToken,
      body: { unavailableMessage: null },
    });
    expect(reset.body.unavailableMessage).toMatch(/unavailable right now/);
  });

  it('warns once per threshold and period, and refuses AI calls past the AI tokens', async () => {
    const admin = await register(a);
    await onPlan(admin, 'free');
    const org = asOrganizationId(admin.organizationId);
    expect((await editPlan('free', { limits: { ai_tokens: 1000 } })).status).toBe(200);
    const usage = (totalTokens: number, operation = 'chat', audioSeconds: number | null = null) =>
      a.sql(
        `INSERT INTO outbox_events (id, type, organization_id, occurred_at, data) VALUES ($1, 'ai.usage_recorded', $2, now(), $3)`,
        [
          newId(),
          admin.organizationId,
          {
            chatbotId: null,
            sessionId: null,
            preview: false,
            provider: 'openai',
            operation,
            model: 'gpt-4o-mini',
            promptTokens: totalTokens,
            completionTokens: 0,
            totalTokens,
            durationMs: 5,
            outcome: 'ok',
            connectionId: null,
            audioSeconds,
            characters: null,
          },
        ],
      );
    const warned = async () =>
      (await eventsOf('billing.quota_warning', admin)).filter((w) => w.limit === 'ai_tokens').map((w) => w.threshold);

    await usage(500);
    await metered();
    await expect(a.app.get(Quotas).assertAvailable(org, 'ai_tokens')).resolves.toBeUndefined();
    expect(await warned()).toEqual([]);
    await usage(350);
    await metered();
    expect(await warned()).toEqual([80]);
    await usage(200);
    await metered();
    await usage(10);
    await usage(10);
    await metered();
    expect(await warned()).toEqual([80, 100]);
    expect((await usageOf(admin)).ai_tokens).toMatchObject({ used: 1070, max: 1000 });
    await expect(a.app.get(Quotas).assertAvailable(org, 'ai_tokens')).rejects.toMatchObject({
      code: 'billing.quota_exceeded',
      limit: 'ai_tokens',
      message: expect.stringMatching(/AI tokens/),
    });

    // Transcriptions: seconds rounded up per call, minutes rounded up against the limit (30).
    await usage(0, 'transcription', 1799.2);
    await metered();
    const minutes = await usageOf(admin);
    expect(minutes.transcription_minutes).toMatchObject({ used: 30, max: 30 });
    await expect(a.app.get(Quotas).assertAvailable(org, 'transcription_minutes')).rejects.toMatchObject({
      limit: 'transcription_minutes',
    });
    expect((await editPlan('free', { limits: { ai_tokens: 100000 } })).status).toBe(200);
  });

  it('changes plans: upgrades at once, refuses a downgrade past the new limits, by admins only', async () => {
    const admin = await register(a);
    const agent = await addMember(a, admin, 'agent');
    for (const name of ['one', 'two', 'three']) await publishChatbot(a, admin, { name, flow: echoLoopFlow });

    const denied = await a.request('PUT', '/api/v1/billing/subscription', {
      token: agent.accessToken,
      body: { plan: 'enterprise' },
    });
    expect(denied.status).toBe(403);
    expect((await a.request('GET', '/api/v1/billing/usage', { token: agent.accessToken })).status).toBe(200);
    const bad = await a.request('PUT', '/api/v1/billing/subscription', {
      token: admin.accessToken,
      body: { plan: 'gold' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'plan' })]);

    const downgrade = await a.request('PUT', '/api/v1/billing/subscription', {
      token: admin.accessToken,
      body: { plan: 'free' },
    });
    expect(downgrade.status).toBe(409);
    expect(downgrade.body).toMatchObject({ code: 'billing.downgrade_exceeds_limits', plan: 'free' });
    expect(downgrade.body.limits).toEqual([{ limit: 'chatbots', used: 3, max: 2 }]);
    expect(downgrade.body.detail).toMatch(/chatbots 3 of 2/);

    const upgrade = await a.request('PUT', '/api/v1/billing/subscription', {
      token: admin.accessToken,
      body: { plan: 'enterprise' },
    });
    expect(upgrade.status).toBe(200);
    expect(upgrade.body).toMatchObject({ plan: 'enterprise', status: 'active', trialEndsAt: null });
    const changed = await eventsOf('billing.subscription_changed', admin);
    expect(changed).toEqual([
      expect.objectContaining({
        plan: 'enterprise',
        previousPlan: 'professional',
        status: 'active',
        previousStatus: 'trialing',
      }),
    ]);

    // Bad input elsewhere: named fields, nothing changed.
    const noPlan = await a.request('PUT', '/api/v1/billing/subscription', { token: admin.accessToken, body: {} });
    expect([noPlan.status, noPlan.body.errors?.[0]?.field]).toEqual([400, 'plan']);
    for (const unavailableMessage of ['', 'x'.repeat(1001), 42]) {
      const res = await a.request('PATCH', '/api/v1/billing/settings', {
        token: admin.accessToken,
        body: { unavailableMessage },
      });
      expect([res.status, res.body.errors?.[0]?.field]).toEqual([400, 'unavailableMessage']);
    }
    const unknownField = await a.request('PATCH', '/api/v1/billing/settings', {
      token: admin.accessToken,
      body: { plan: 'free' },
    });
    expect(unknownField.status).toBe(400);
    expect((await a.request('POST', '/api/v1/billing/subscription/cancel', { token: agent.accessToken })).status).toBe(
      403,
    );
    expect(
      (
        await a.request('PATCH', '/api/v1/billing/settings', {
          token: agent.accessToken,
          body: { unavailableMessage: 'Hi' },
        })
      ).status,
    ).toBe(403);
    expect((await a.request('GET', '/api/v1/billing/settings', { token: admin.accessToken })).body).toEqual({
      unavailableMessage: expect.stringMatching(/unavailable right now/),
    });

    // Super admins edit plans; nobody else; bad fields are named.
    expect(
      (await a.request('PATCH', '/api/v1/billing/plans/free', { token: admin.accessToken, body: {} })).status,
    ).toBe(403);
    const badPlan = await editPlan('free', { limits: { members: -1, chatbots: 'many' }, priceMonthlyCents: 1.5 });
    expect(badPlan.status).toBe(400);
    expect([...new Set(badPlan.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual([
      'limits.chatbots',
      'limits.members',
      'priceMonthlyCents',
    ]);
    expect((await editPlan('gold', { name: 'Gold' })).status).toBe(404);
    expect((await editPlan('free', { limits: { unknown_limit: 3 } })).status).toBe(400);
    expect((await editPlan('free', { name: '' })).body.errors?.[0]?.field).toBe('name');
    // A plan no longer offered cannot be chosen (its organizations stay on it).
    expect((await editPlan('starter', { active: false })).body.active).toBe(false);
    const retired = await a.request('PUT', '/api/v1/billing/subscription', {
      token: admin.accessToken,
      body: { plan: 'starter' },
    });
    expect([retired.status, retired.body.code]).toEqual([409, 'billing.plan_not_available']);
    expect((await editPlan('starter', { active: true })).status).toBe(200);
    const renamed = await editPlan('enterprise', { description: 'Call us.' });
    expect(renamed.body).toMatchObject({ code: 'enterprise', description: 'Call us.' });
  });

  it('allows everything with BILLING_ENFORCE_QUOTAS=false, and still counts', async () => {
    const admin = await register(lenient);
    await onPlan(admin, 'free');
    for (const name of ['one', 'two', 'three']) await publishChatbot(lenient, admin, { name, flow: echoLoopFlow });
    const usage = await usageOf(admin);
    expect(usage.chatbots).toMatchObject({ used: 3, max: 2, percent: 150 });
  });

  it('counts the webhook deliveries that succeeded', async () => {
    const admin = await register(a);
    receiver.script('/refused', [], { status: 400 });
    const deliver = async (path: string) => {
      const webhook = await a.request('POST', '/api/v1/webhooks', {
        token: admin.accessToken,
        body: { url: `${hooks}${path}`, eventTypes: ['chatbot.published'] },
      });
      expect(webhook.status).toBe(201);
      const ping = await a.request('POST', `/api/v1/webhooks/${webhook.body.id}/test`, { token: admin.accessToken });
      expect(ping.status).toBe(202);
      return ping.body.id as string;
    };
    const ids = [await deliver('/ok'), await deliver('/ok'), await deliver('/refused')];
    for (let i = 0; i < 200; i++) {
      const rows = await a.sql<{ n: string }>(
        `SELECT count(*) AS n FROM webhook_deliveries WHERE id = ANY($1::uuid[]) AND status IN ('succeeded', 'failed')`,
        [ids],
      );
      if (rows[0]?.n === '3') break;
      await sleep(50);
    }
    const usage = await a.request('GET', '/api/v1/billing/usage', { token: admin.accessToken });
    expect(usage.body.webhookDeliveries).toBe(2);
  });

  it('opens a subscription for an organization that has none, and counts its usage', async () => {
    const admin = await register(a);
    const drop = () => a.sql('DELETE FROM subscriptions WHERE organization_id = $1', [admin.organizationId]);
    await drop();
    // The meter opens it (the trial, from the organization's creation) and counts into it.
    await a.sql(
      `INSERT INTO outbox_events (id, type, organization_id, occurred_at, data)
       VALUES ($1, 'session.started', $2, now(), $3)`,
      [newId(), admin.organizationId, { chatbotId: newId(), sessionId: newId(), versionNumber: 1, origin: null }],
    );
    await metered();
    expect((await usageOf(admin)).sessions).toMatchObject({ used: 1 });
    // So does the API.
    await drop();
    const subscription = await a.request('GET', '/api/v1/billing/subscription', { token: admin.accessToken });
    expect(subscription.body).toMatchObject({ plan: 'professional', status: 'trialing' });
    await drop();
    const settings = await a.request('GET', '/api/v1/billing/settings', { token: admin.accessToken });
    expect(settings.body.unavailableMessage).toMatch(/unavailable right now/);
  });

  it('keeps billing to its own organization', async () => {
    const mine = await register(a);
    const theirs = await register(a);
    const foreign = await a.request('GET', '/api/v1/billing/usage', {
      token: mine.accessToken,
      organizationId: theirs.organizationId,
    });
    expect([403, 404]).toContain(foreign.status);
    const unauthenticated = await a.request('GET', '/api/v1/billing/subscription');
    expect(unauthenticated.status).toBe(401);
  });

  it('rolls periods over: new counters from zero, ended trials and cancellations on the default plan', async () => {
    const trial = await register(a);
    const canceling = await register(a);
    await onPlan(canceling, 'starter');
    const cancel = await a.request('POST', '/api/v1/billing/subscription/cancel', { token: canceling.accessToken });
    expect(cancel.body).toMatchObject({ plan: 'starter', cancelAtPeriodEnd: true });
    const bot = await publishChatbot(a, trial, { name: 'loop', flow: echoLoopFlow });
    await a.request('POST', `/api/v1/bots/${bot.publicId}/sessions`, { body: {} });
    await metered();
    expect((await usageOf(trial)).sessions!.used).toBe(1);

    const before = await a.request('GET', '/api/v1/billing/subscription', { token: trial.accessToken });
    await a.sql(
      `UPDATE subscriptions SET current_period_start = current_period_start - interval '1 month',
              current_period_end = now() - interval '1 second',
              trial_ends_at = CASE WHEN status = 'trialing' THEN now() - interval '1 second' END
        WHERE organization_id = ANY($1::uuid[])`,
      [[trial.organizationId, canceling.organizationId]],
    );
    // What was counted belongs to the period that ended.
    await a.sql(
      `UPDATE usage_counters SET period_start = period_start - interval '1 month' WHERE organization_id = $1`,
      [trial.organizationId],
    );
    // The job (scheduled every minute; run now).
    const queue = a.app.get<Queue>(getQueueToken('billing'));
    expect((await queue.getJobSchedulers()).map((j) => j.key)).toContain('rollover');
    const result = await withQueueEvents(a, 'billing', async (events) => {
      const job = await queue.add('rollover', { organizationId: null });
      return (await job.waitUntilFinished(events, 15_000)) as { rolledOver: number };
    });
    expect(result.rolledOver).toBeGreaterThanOrEqual(2);

    const after = await a.request('GET', '/api/v1/billing/subscription', { token: trial.accessToken });
    expect(after.body).toMatchObject({ plan: 'free', status: 'active', trialEndsAt: null });
    // A month back and ended: the next period is the one it had.
    expect(after.body.currentPeriodStart).toBe(before.body.currentPeriodStart);
    expect(Date.parse(after.body.currentPeriodEnd)).toBeGreaterThan(Date.now());
    expect((await usageOf(trial)).sessions!.used).toBe(0);
    const canceled = await a.request('GET', '/api/v1/billing/subscription', { token: canceling.accessToken });
    expect(canceled.body).toMatchObject({ plan: 'free', status: 'canceled', cancelAtPeriodEnd: false });
    expect(await eventsOf('billing.subscription_changed', trial)).toEqual([
      expect.objectContaining({
        plan: 'free',
        previousPlan: 'professional',
        status: 'active',
        previousStatus: 'trialing',
        byUserId: null,
      }),
    ]);
    expect(await eventsOf('billing.subscription_changed', canceling)).toEqual([
      expect.objectContaining({ plan: 'free', previousPlan: 'starter', status: 'canceled', previousStatus: 'active' }),
    ]);
    // Nothing due any more: a second run moves nothing of these two.
    await a.app.get(SubscriptionRollover).run();
    const still = await a.request('GET', '/api/v1/billing/subscription', { token: trial.accessToken });
    expect(still.body.currentPeriodStart).toBe(after.body.currentPeriodStart);
    // A canceled organization cannot cancel again; a plan change brings it back.
    const twice = await a.request('POST', '/api/v1/billing/subscription/cancel', { token: canceling.accessToken });
    expect([twice.status, twice.body.code]).toEqual([409, 'billing.subscription_conflict']);
    const back = await a.request('PUT', '/api/v1/billing/subscription', {
      token: canceling.accessToken,
      body: { plan: 'starter' },
    });
    expect(back.body).toMatchObject({ plan: 'starter', status: 'active' });
  });
});
