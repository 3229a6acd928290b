import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { publishChatbot } from './support/chatbots';
import { echoLoopFlow } from './support/flows';
import { addMember, register, type Account } from './support/identity';
import { startTestApp, type TestApp } from './support/test-app';

interface Turn {
  code?: string;
  sessionId: string;
  status: string;
  messages: { id: string; type: string; markdown?: string; blockId: string }[];
  input: { type: string; blockId: string; choices?: { id: string; label: string }[]; isRetry?: boolean } | null;
  progress: number | null;
}

const texts = (turn: Turn) => turn.messages.filter((m) => m.type === 'text').map((m) => m.markdown);

describe('chat sessions (native API)', () => {
  let t: TestApp;
  let admin: Account;
  let agent: Account;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await register(t);
    agent = await addMember(t, admin, 'agent');
  });
  afterAll(() => t.close());

  async function publishTemplate(templateId: string, settings?: Record<string, unknown>) {
    const bot = await t.request('POST', '/api/v1/chatbots', {
      token: agent.accessToken,
      body: { name: templateId, templateId, ...(settings ? { settings } : {}) },
    });
    expect(bot.status).toBe(201);
    const published = await t.request('POST', `/api/v1/chatbots/${bot.body.id}/publish`, {
      token: agent.accessToken,
      body: {},
    });
    expect(published.status).toBe(201);
    return bot.body as { id: string; publicId: string };
  }

  const start = (publicId: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    t.request<Turn & { sessionToken: string }>('POST', `/api/v1/bots/${publicId}/sessions`, { body, headers });

  const send = (sessionId: string, token: string, clientMessageId: string, body: Record<string, unknown>) =>
    t.request<Turn>('POST', `/api/v1/sessions/${sessionId}/messages`, { token, body: { clientMessageId, ...body } });

  it('drives the lead-capture template: retries, choices, completion, stored result', async () => {
    const bot = await publishTemplate('lead-capture');
    const started = await start(bot.publicId);
    expect(started.status).toBe(201);
    expect(texts(started.body)).toEqual(["Hi! 👋 Let's get you in touch with our team.", "First, what's your name?"]);
    expect(started.body.input).toMatchObject({ type: 'textInput', blockId: 'name-input' });
    const { sessionId, sessionToken } = started.body;

    const named = await send(sessionId, sessionToken, 'm1', { text: 'Ada' });
    expect(texts(named.body)).toEqual(['Nice to meet you, Ada! What is your email address?']);
    expect(named.body.input?.type).toBe('emailInput');

    const wrong = await send(sessionId, sessionToken, 'm2', { text: 'not-an-email' });
    expect(texts(wrong.body)).toEqual([
      "That doesn't look like an email address. Could you check it and type it again?",
    ]);
    expect(wrong.body.input).toMatchObject({ type: 'emailInput', isRetry: true });

    const email = await send(sessionId, sessionToken, 'm3', { text: 'ada@example.com' });
    expect(email.body.input?.type).toBe('phoneInput');
    const phone = await send(sessionId, sessionToken, 'm4', { text: '(415) 555-2671' });
    expect(phone.body.input?.type).toBe('choiceInput');
    expect(phone.body.input?.choices?.map((c) => c.label)).toEqual(["Yes, that's fine", 'No, thanks']);

    const consent = await send(sessionId, sessionToken, 'm5', { text: "yes, that's fine" });
    expect(texts(consent.body)).toEqual(["Thanks, Ada! We'll get back to you at ada@example.com soon."]);
    expect(consent.body).toMatchObject({ status: 'completed', input: null, progress: 100 });

    const results = await t.request('GET', `/api/v1/chatbots/${bot.id}/results`, { token: agent.accessToken });
    expect(results.body.items).toEqual([
      expect.objectContaining({
        id: sessionId,
        completed: true,
        variables: expect.objectContaining({ Name: 'Ada', Email: 'ada@example.com', Phone: '+14155552671' }),
      }),
    ]);
    const logs = await t.request('GET', `/api/v1/sessions/${sessionId}/logs`, { token: agent.accessToken });
    expect(logs.body.map((s: { blockId: string; outcome: string }) => `${s.blockId}:${s.outcome}`)).toEqual(
      expect.arrayContaining(['email-input:invalid', 'thanks-end:ok']),
    );

    const after = await send(sessionId, sessionToken, 'm6', { text: 'hello?' });
    expect(after.status).toBe(409);
    expect(after.body.code).toBe('session.ended');
  });

  it('answers a retried clientMessageId with the first answer and advances once', async () => {
    const bot = await publishTemplate('lead-capture');
    const { body } = await start(bot.publicId);
    const first = await send(body.sessionId, body.sessionToken, 'same', { text: 'Grace' });
    const again = await send(body.sessionId, body.sessionToken, 'same', { text: 'Grace' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const resumed = await t.request('GET', `/api/v1/sessions/${body.sessionId}`, { token: body.sessionToken });
    expect(resumed.body.input.type).toBe('emailInput');
    expect(resumed.body.transcript.filter((e: { role: string }) => e.role === 'visitor')).toHaveLength(1);
  });

  it('serializes concurrent messages on one session without losing state', async () => {
    const bot = await publishTemplate('lead-capture');
    const { body } = await start(bot.publicId);
    const [a, b] = await Promise.all([
      send(body.sessionId, body.sessionToken, 'c1', { text: 'Alan' }),
      send(body.sessionId, body.sessionToken, 'c2', { text: 'alan@example.com' }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const resumed = await t.request('GET', `/api/v1/sessions/${body.sessionId}`, { token: body.sessionToken });
    // Both replies were applied, one after the other, whichever came first.
    expect(resumed.body.transcript.filter((e: { role: string }) => e.role === 'visitor')).toHaveLength(2);
    const [row] = await t.sql<{ turn: number }>('SELECT turn FROM chat_sessions WHERE id = $1', [body.sessionId]);
    expect(row?.turn).toBe(3);
  });

  it('refuses wrong tokens, unknown sessions, unpublished bots and foreign origins', async () => {
    const bot = await publishTemplate('lead-capture', { allowedOrigins: ['https://shop.example'] });
    const ok = await start(bot.publicId, {}, { origin: 'https://shop.example' });
    expect(ok.status).toBe(201);
    const foreign = await start(bot.publicId, {}, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('bot.origin_not_allowed');
    const forged = await send(ok.body.sessionId, `${ok.body.sessionToken.slice(0, -3)}AAA`, 'x', { text: 'hi' });
    expect(forged.status).toBe(404);
    const draft = await t.request('POST', '/api/v1/chatbots', { token: agent.accessToken, body: { name: 'draft' } });
    expect((await start(draft.body.publicId)).status).toBe(404);
    expect((await start('bot_doesnotexist')).body.code).toBe('bot.not_found');
  });

  it('reports expired sessions with a problem code', async () => {
    const bot = await publishTemplate('lead-capture');
    const { body } = await start(bot.publicId);
    await t.sql(`UPDATE chat_sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [body.sessionId]);
    const res = await t.request('GET', `/api/v1/sessions/${body.sessionId}`, { token: body.sessionToken });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('session.expired');
  });

  it('keeps running sessions on the version they started on', async () => {
    const bot = await publishTemplate('lead-capture');
    const { body } = await start(bot.publicId);
    // Publish a new version whose welcome is different; the running session keeps version 1.
    const draft = await t.request('GET', `/api/v1/chatbots/${bot.id}/flow`, { token: agent.accessToken });
    const flow = draft.body.flow;
    flow.groups.find((g: { id: string }) => g.id === 'contact').blocks[0].options.text = 'NEW VERSION asks for email';
    await t.request('PUT', `/api/v1/chatbots/${bot.id}/flow`, {
      token: agent.accessToken,
      headers: { 'if-match': String(draft.body.revision) },
      body: { flow },
    });
    await t.request('POST', `/api/v1/chatbots/${bot.id}/publish`, { token: agent.accessToken, body: {} });
    const next = await send(body.sessionId, body.sessionToken, 'v', { text: 'Ada' });
    expect(texts(next.body)).toEqual(['Nice to meet you, Ada! What is your email address?']);
    const fresh = await start(bot.publicId);
    const freshNext = await send(fresh.body.sessionId, fresh.body.sessionToken, 'v', { text: 'Ada' });
    expect(texts(freshNext.body)).toEqual(['NEW VERSION asks for email']);
  });

  it("exports a visitor's answer that looks like a formula so that a spreadsheet shows it as text", async () => {
    const published = await publishChatbot(t, admin, { name: 'formula', flow: echoLoopFlow });
    const s = await start(published.publicId);
    await send(s.body.sessionId, s.body.sessionToken, '1', { text: '=HYPERLINK("http://evil.example")' });
    const csv = await t.request('GET', `/api/v1/chatbots/${published.id}/results/export`, { token: agent.accessToken });
    expect(csv.status).toBe(200);
    const [header, row] = csv.text.trim().split('\n');
    expect(header).toBe('resultId,createdAt,updatedAt,status,completed,version,answer');
    expect(row).toContain(s.body.sessionId);
    expect(row!.endsWith(',"\'=HYPERLINK(""http://evil.example"")"')).toBe(true);
  });

  it('previews a draft for editors and exports results as CSV', async () => {
    const bot = await t.request('POST', '/api/v1/chatbots', {
      token: agent.accessToken,
      body: { name: 'p', templateId: 'satisfaction-survey' },
    });
    const preview = await t.request<Turn & { sessionToken: string }>(
      'POST',
      `/api/v1/chatbots/${bot.body.id}/preview/sessions`,
      {
        token: agent.accessToken,
        body: {},
      },
    );
    expect(preview.status).toBe(201);
    expect(preview.body.input).not.toBeNull();
    const foreign = await register(t);
    expect(
      (
        await t.request('POST', `/api/v1/chatbots/${bot.body.id}/preview/sessions`, {
          token: foreign.accessToken,
          body: {},
        })
      ).status,
    ).toBe(404);

    const published = await publishTemplate('lead-capture');
    const s = await start(published.publicId);
    await send(s.body.sessionId, s.body.sessionToken, '1', { text: 'Csv Person' });
    const csv = await t.request('GET', `/api/v1/chatbots/${published.id}/results/export`, { token: agent.accessToken });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('resultId,createdAt,updatedAt,status,completed,version,Consent,Email,Name,Phone');
    expect(lines[1]).toContain(s.body.sessionId);
    expect(lines[1]).toContain('Csv Person');

    const funnel = await t.request('GET', `/api/v1/chatbots/${published.id}/results/funnel`, {
      token: agent.accessToken,
    });
    expect(funnel.body).toEqual({ starts: 1, completions: 0, dropOff: [{ blockId: 'email-input', sessions: 1 }] });

    const erased = await t.request('POST', `/api/v1/chatbots/${published.id}/results/delete`, {
      token: admin.accessToken,
      body: { resultIds: [s.body.sessionId] },
    });
    expect(erased.body).toEqual({ deleted: 1 });
    expect(await t.sql('SELECT 1 FROM chat_sessions WHERE id = $1', [s.body.sessionId])).toHaveLength(0);
  });
});

describe('HTTP blocks against a local server', () => {
  let t: TestApp;
  let server: Server;
  const received: { url: string; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ url: req.url ?? '', body });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ ok: true }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t = await startTestApp({ HTTP_EFFECTS_ALLOW_PRIVATE_NETWORKS: 'true' });
  });
  afterAll(async () => {
    await t.close();
    server.close();
  });

  it('posts the lead to the webhook the flow names', async () => {
    const admin = await register(t);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/leads`;
    const bot = await t.request('POST', '/api/v1/chatbots', {
      token: admin.accessToken,
      body: { name: 'hook', templateId: 'lead-capture' },
    });
    const draft = await t.request('GET', `/api/v1/chatbots/${bot.body.id}/flow`, { token: admin.accessToken });
    const flow = draft.body.flow;
    flow.variables.find((v: { id: string }) => v.id === 'var-webhook-url').defaultValue = url;
    await t.request('PUT', `/api/v1/chatbots/${bot.body.id}/flow`, {
      token: admin.accessToken,
      headers: { 'if-match': '1' },
      body: { flow },
    });
    expect(
      (await t.request('POST', `/api/v1/chatbots/${bot.body.id}/publish`, { token: admin.accessToken, body: {} }))
        .status,
    ).toBe(201);

    const s = await t.request<Turn & { sessionToken: string }>('POST', `/api/v1/bots/${bot.body.publicId}/sessions`, {
      body: {},
    });
    const token = s.body.sessionToken;
    for (const [id, text] of [
      ['1', 'Hook Person'],
      ['2', 'hook@example.com'],
      ['3', '+33 6 12 34 56 78'],
      ['4', "Yes, that's fine"],
    ]) {
      await t.request('POST', `/api/v1/sessions/${s.body.sessionId}/messages`, {
        token,
        body: { clientMessageId: id, text },
      });
    }
    expect(received).toHaveLength(1);
    expect(received[0]!.url).toBe('/leads');
    expect(JSON.parse(received[0]!.body)).toMatchObject({ email: 'hook@example.com' });
  });

  it('refuses private addresses when the configuration does not allow them (SSRF guard)', async () => {
    const guarded = await startTestApp();
    try {
      const admin = await register(guarded);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/leads`;
      const bot = await guarded.request('POST', '/api/v1/chatbots', {
        token: admin.accessToken,
        body: { name: 'guarded', templateId: 'lead-capture' },
      });
      const draft = await guarded.request('GET', `/api/v1/chatbots/${bot.body.id}/flow`, { token: admin.accessToken });
      const flow = draft.body.flow;
      flow.variables.find((v: { id: string }) => v.id === 'var-webhook-url').defaultValue = url;
      await guarded.request('PUT', `/api/v1/chatbots/${bot.body.id}/flow`, {
        token: admin.accessToken,
        headers: { 'if-match': '1' },
        body: { flow },
      });
      await guarded.request('POST', `/api/v1/chatbots/${bot.body.id}/publish`, { token: admin.accessToken, body: {} });
      const before = received.length;
      const s = await guarded.request<Turn & { sessionToken: string }>(
        'POST',
        `/api/v1/bots/${bot.body.publicId}/sessions`,
        {
          body: {},
        },
      );
      let last: Turn | undefined;
      for (const [id, text] of [
        ['1', 'Guarded'],
        ['2', 'g@example.com'],
        ['3', '+33 6 12 34 56 78'],
        ['4', "Yes, that's fine"],
      ]) {
        last = (
          await guarded.request<Turn>('POST', `/api/v1/sessions/${s.body.sessionId}/messages`, {
            token: s.body.sessionToken,
            body: { clientMessageId: id, text },
          })
        ).body;
      }
      expect(received).toHaveLength(before);
      // The failed call is logged and the conversation goes on.
      expect(last?.status).toBe('completed');
      const logs = await guarded.request('GET', `/api/v1/sessions/${s.body.sessionId}/logs`, {
        token: admin.accessToken,
      });
      const webhook = logs.body.filter((step: { blockId: string }) => step.blockId === 'lead-webhook');
      expect(webhook.some((step: { outcome: string }) => step.outcome === 'error')).toBe(true);
    } finally {
      await guarded.close();
    }
  });
});
