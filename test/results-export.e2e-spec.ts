import { register, type Account } from './support/identity';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The CSV export streams page after page from PostgreSQL. A database failure in the middle of it
 * must end that one response (and be logged), never take the process down.
 */
describe('results export under database failure', () => {
  let t: TestApp;
  let admin: Account;
  let chatbotId: string;
  const ROWS = 8_000;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await register(t);
    const bot = await t.request('POST', '/api/v1/chatbots', {
      token: admin.accessToken,
      body: { name: 'Export', templateId: 'lead-capture' },
    });
    chatbotId = bot.body.id;
    await t.request('POST', `/api/v1/chatbots/${chatbotId}/publish`, { token: admin.accessToken, body: {} });
    const started = await t.request('POST', `/api/v1/bots/${bot.body.publicId}/sessions`, { body: {} });
    await t.request('POST', `/api/v1/sessions/${started.body.sessionId}/messages`, {
      token: started.body.sessionToken,
      body: { clientMessageId: 'm1', text: 'Ada' },
    });
    // Many large results, so the export needs many pages and cannot be buffered in one go.
    const [columns] = await t.sql<{ list: string }>(
      `SELECT string_agg(quote_ident(column_name), ', ') AS list FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = 'chat_sessions' AND column_name <> 'id'`,
    );
    await t.sql(
      `INSERT INTO chat_sessions (id, ${columns!.list})
       SELECT gen_random_uuid(), ${columns!.list} FROM chat_sessions, generate_series(1, ${ROWS}) WHERE id = $1`,
      [started.body.sessionId],
    );
    await t.sql(`UPDATE chat_sessions SET result = jsonb_set(result, '{variables,Name}', to_jsonb(repeat('x', 4000)))`);
  });
  afterAll(() => t.close());

  it('ends the response when a query fails midway, and serves the next request', async () => {
    const response = await fetch(`${t.url}/api/v1/chatbots/${chatbotId}/results/export`, {
      headers: { authorization: `Bearer ${admin.accessToken}` },
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let received = (await reader.read()).value?.byteLength ?? 0;
    expect(received).toBeGreaterThan(0);

    // While it is still streaming, the next page's query starts failing (as a dropped connection
    // or a statement timeout would make it), and the connections it had are killed.
    await t.sql(`ALTER TABLE chat_sessions RENAME COLUMN result TO result_gone`);
    await t.sql(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    let aborted = false;
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        received += chunk.value.byteLength;
      }
    } catch {
      aborted = true;
    } finally {
      await t.sql(`ALTER TABLE chat_sessions RENAME COLUMN result_gone TO result`);
    }
    // Either way the export is cut short: the client can tell it is incomplete.
    expect(aborted).toBe(true);
    expect(received).toBeLessThan(ROWS * 4_000);

    // The process lives on and its pool reconnects.
    const next = await t.request('GET', `/api/v1/chatbots/${chatbotId}/results?limit=1`, {
      token: admin.accessToken,
    });
    expect(next.status).toBe(200);
    expect(next.body.items).toHaveLength(1);
    const health = await t.request('GET', '/health/ready');
    expect(health.status).toBe(200);
  });

  it('answers a problem, not a broken stream, when the first page already fails', async () => {
    await t.sql(`ALTER TABLE chat_sessions RENAME COLUMN result TO result_gone`);
    try {
      const response = await t.request('GET', `/api/v1/chatbots/${chatbotId}/results/export`, {
        token: admin.accessToken,
      });
      expect(response.status).toBe(500);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body.code).toBe('internal.error');
    } finally {
      await t.sql(`ALTER TABLE chat_sessions RENAME COLUMN result_gone TO result`);
    }
    const again = await t.request('GET', `/api/v1/chatbots/${chatbotId}/results/export`, {
      token: admin.accessToken,
    });
    expect(again.status).toBe(200);
  });
});
