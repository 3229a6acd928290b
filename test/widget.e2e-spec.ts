import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import {
  bubbleTexts,
  bubbles,
  clickChoice,
  describeBrowser,
  launchBrowser,
  openWidgetPage,
  sendText,
  typingIndicator,
  waitForBubble,
  waitForLive,
  widgetError,
  widgetSession,
  type Browser,
} from './support/browser';
import { publishChatbot } from './support/chatbots';
import { handoffFlow } from './support/flows';
import { addMember, register, type Account } from './support/identity';
import { closeSockets, connect, next, request } from './support/sockets';
import { startTestApp, type TestApp } from './support/test-app';

/** Greets, asks a name (text), a topic (buttons), an email (with a retry message), then thanks. */
const widgetFlow = {
  schemaVersion: 1,
  events: [{ id: 'start', type: 'start' }],
  variables: [
    { id: 'v-name', name: 'name' },
    { id: 'v-topic', name: 'topic' },
    { id: 'v-email', name: 'email' },
  ],
  groups: [
    {
      id: 'g-hello',
      blocks: [
        { id: 'hello', type: 'text', options: { text: 'Hello! I am the **Parley** bot.' } },
        { id: 'ask-name', type: 'text', options: { text: 'What is your name?' } },
        { id: 'name', type: 'textInput', options: { variableId: 'v-name', placeholder: 'Your name' } },
      ],
    },
    {
      id: 'g-topic',
      blocks: [
        { id: 'ask-topic', type: 'text', options: { text: 'Nice to meet you, {{name}}! What brings you here?' } },
        {
          id: 'topic',
          type: 'choiceInput',
          options: { variableId: 'v-topic' },
          items: [
            { id: 'sales', label: 'Sales' },
            { id: 'support', label: 'Support' },
          ],
        },
      ],
    },
    {
      id: 'g-email',
      blocks: [
        { id: 'ask-email', type: 'text', options: { text: 'You picked {{topic}}. Your email, please?' } },
        {
          id: 'email',
          type: 'emailInput',
          options: {
            variableId: 'v-email',
            placeholder: 'name@example.com',
            retryMessage: 'That email does not look right, try again.',
          },
        },
      ],
    },
    {
      id: 'g-thanks',
      blocks: [{ id: 'thanks', type: 'text', options: { text: 'Thanks! We will write to {{email}}.' } }],
    },
  ],
  edges: [
    { id: 'e0', from: { eventId: 'start' }, to: { groupId: 'g-hello' } },
    { id: 'e1', from: { blockId: 'name' }, to: { groupId: 'g-topic' } },
    { id: 'e2', from: { blockId: 'topic' }, to: { groupId: 'g-email' } },
    { id: 'e3', from: { blockId: 'email' }, to: { groupId: 'g-thanks' } },
  ],
};

describeBrowser('web widget (GET /widget.js, GET /widget/{publicId}) in headless Chromium', () => {
  let t: TestApp;
  let admin: Account;
  let browser: Browser;
  let publicId: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await register(t);
    browser = await launchBrowser();
    ({ publicId } = await publishChatbot(t, admin, { name: 'Widget bot', flow: widgetFlow }));
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('serves the script with an ETag, a 5-minute cache, 304 on If-None-Match, loadable cross-origin', async () => {
    const script = await t.request('GET', '/widget.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(script.headers.get('cache-control')).toBe('public, max-age=300');
    expect(script.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(script.text.length).toBeGreaterThan(1000);
    const etag = script.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);

    const again = await t.request('GET', '/widget.js', { headers: { 'if-none-match': `W/${etag}, "other"` } });
    expect([again.status, again.text, again.headers.get('etag')]).toEqual([304, '', etag]);
    const stale = await t.request('GET', '/widget.js', { headers: { 'if-none-match': '"other"' } });
    expect(stale.status).toBe(200);
    expect((await t.request('GET', '/api/v1/widget.js')).status).toBe(404);
  });

  it('serves a demo page for published bots only, with no inline script and its own Content-Security-Policy', async () => {
    const unknown = await t.request('GET', `/widget/${encodeURIComponent('<b>"x"</b>')}`);
    expect([unknown.status, unknown.headers.get('content-type')]).toEqual([
      404,
      'application/problem+json; charset=utf-8',
    ]);
    expect(unknown.text).not.toContain('<b>');
    const page = await t.request('GET', `/widget/${publicId}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain(`data-bot="${publicId}"`);
    expect(page.text).not.toMatch(/<script>/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`script-src 'self'`);
    expect(csp.split('; ').find((d) => d.startsWith('script-src'))).toBe(`script-src 'self'`); // no inline script
    expect(csp).toMatch(/img-src [^;]*https:/);

    const docs = await t.request('GET', '/docs-json');
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/widget.js', '/widget/{publicId}']));
  });

  it('chats through the widget, keeps the conversation across a reload and shows the retry message', async () => {
    const page: Page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    // The live-chat socket may not connect (REST alone is enough); anything else failing is a bug.
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (response.status() >= 400 && url.pathname !== '/favicon.ico' && !url.pathname.startsWith('/socket.io/'))
        problems.push(`${response.status()} ${url.pathname}`);
    });

    await openWidgetPage(page, t.url, publicId);
    await waitForBubble(page, 'What is your name?', 'bot');
    // markdown, safely: **Parley** is a <strong>, not text with stars
    expect(await page.locator('#parley-widget .msg.bot strong').first().textContent()).toBe('Parley');
    expect(await page.locator('#parley-widget .composer input').getAttribute('placeholder')).toBe('Your name');

    await sendText(page, 'Ada <img src=x onerror=alert(1)>');
    await waitForBubble(page, 'Nice to meet you, Ada', 'bot');
    expect(await page.locator('#parley-widget img').count()).toBe(0);
    await clickChoice(page, 'Support');
    await waitForBubble(page, 'You picked Support. Your email, please?', 'bot');
    expect(await bubbleTexts(page, 'visitor')).toEqual(['Ada <img src=x onerror=alert(1)>', 'Support']);

    await page.reload();
    await page.locator('#parley-widget .panel').waitFor({ state: 'visible' });
    await waitForBubble(page, 'You picked Support. Your email, please?', 'bot');
    expect(await bubbleTexts(page)).toEqual([
      'Hello! I am the Parley bot.',
      'What is your name?',
      'Ada <img src=x onerror=alert(1)>',
      'Nice to meet you, Ada <img src=x onerror=alert(1)>! What brings you here?',
      'Support',
      'You picked Support. Your email, please?',
    ]);
    expect(await page.locator('#parley-widget .composer input').getAttribute('type')).toBe('email');

    await sendText(page, 'not-an-email');
    await waitForBubble(page, 'That email does not look right, try again.', 'bot');
    await sendText(page, 'ada@example.com');
    await waitForBubble(page, 'Thanks! We will write to ada@example.com.', 'bot');
    await page.locator('#parley-widget .restart').waitFor({ state: 'visible' });

    const stored = await widgetSession(page, t.url, publicId);
    const sessions = await t.sql<{ id: string }>('SELECT id FROM chat_sessions');
    expect(sessions.map((s) => s.id)).toEqual([stored?.sessionId]);
    // the reload resumed the session, it did not start another
    expect(problems).toEqual([]);
    await page.close();
  });

  it('hands off to a human live: the agent reads, types and replies; a reload keeps it all; hand-back returns to the bot', async () => {
    const agent = await addMember(t, admin, 'agent');
    const { publicId: liveBot } = await publishChatbot(t, admin, { name: 'Live bot', flow: handoffFlow() });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    const count = (text: string, who?: 'bot' | 'visitor' | 'agent' | 'system') =>
      bubbles(page, who).filter({ hasText: text }).count();

    await openWidgetPage(page, t.url, liveBot);
    await waitForBubble(page, 'Hi! What do you need?', 'bot');
    await waitForLive(page);
    await sendText(page, 'I need a human');
    await waitForBubble(page, 'Connecting you to a human…', 'bot');
    // free text to the human now
    const field = page.locator('#parley-widget .composer input');
    await page.locator('#parley-widget .composer input[placeholder="Type your message…"]').waitFor();
    const sessionId = (await widgetSession(page, t.url, liveBot))?.sessionId ?? '';
    expect(sessionId).not.toBe('');

    // The agent comes online (the waiting conversation is assigned to them) and joins it.
    const agentSide = await connect(t, '/agent', { token: agent.accessToken });
    await waitForBubble(page, 'A agent joined', 'system');
    const joined = await request(agentSide, 'conversation.join', { conversationId: sessionId });
    expect(joined).toMatchObject({ ok: true, conversation: { id: sessionId, assigneeId: agent.userId } });

    const seen = next<{ conversationId: string; sender: { type: string }; text: string }>(
      agentSide,
      'message.created',
      (m) => m.conversationId === sessionId && m.sender.type === 'visitor',
    );
    const visitorTyping = next<{ conversationId: string; sender: { type: string } }>(agentSide, 'typing.start');
    await sendText(page, 'hello?');
    expect(await visitorTyping).toEqual({ conversationId: sessionId, sender: { type: 'visitor' } });
    expect(await seen).toMatchObject({ text: 'hello?', clientMessageId: expect.any(String) });

    expect(await request(agentSide, 'typing.start', { conversationId: sessionId })).toEqual({ ok: true });
    await page.locator('#parley-widget .typing', { hasText: 'A agent is typing…' }).waitFor();
    expect(await typingIndicator(page)).toBe('A agent is typing…');
    const sent = await request(agentSide, 'message.send', {
      conversationId: sessionId,
      clientMessageId: 'a1',
      text: 'Hi, I am Ada',
    });
    expect(sent.ok).toBe(true);
    const reply = await waitForBubble(page, 'Hi, I am Ada', 'agent');
    expect(await reply.locator('.sender').textContent()).toBe('A agent');
    expect(await typingIndicator(page)).toBe('');

    const live = await bubbleTexts(page);
    expect(live).toEqual([
      'Hi! What do you need?',
      'I need a human',
      'Connecting you to a human…',
      'A agent joined',
      'hello?',
      'A agent\n\nHi, I am Ada',
    ]);

    // A reload resumes the whole history once (the assignment line is the stored activity's).
    await page.reload();
    await page.locator('#parley-widget .panel').waitFor({ state: 'visible' });
    await waitForBubble(page, 'Hi, I am Ada', 'agent');
    await waitForLive(page);
    const resumed = await bubbleTexts(page);
    expect(resumed.filter((text) => !/joined|Assigned to/.test(text))).toEqual(
      live.filter((text) => !/joined|Assigned to/.test(text)),
    );
    expect(resumed.filter((text) => /joined|Assigned to/.test(text))).toHaveLength(1);
    expect(await page.locator('#parley-widget .msg.agent .sender').allTextContents()).toEqual(['A agent']);
    expect(await field.getAttribute('placeholder')).toBe('Type your message…');

    // The agent hands back: the bot speaks again and its input works.
    const back = await t.request('POST', `/api/v1/conversations/${sessionId}/handback`, {
      token: agent.accessToken,
      body: {},
    });
    expect(back.status).toBe(200);
    await waitForBubble(page, 'Back with the bot. Anything else?', 'bot');
    await page.locator('#parley-widget .composer input:not([placeholder="Type your message…"])').waitFor();
    await sendText(page, 'no thanks');
    await waitForBubble(page, 'Bye! (no thanks)', 'bot');

    for (const [text, who] of [
      ['Hi! What do you need?', 'bot'],
      ['I need a human', 'visitor'],
      ['Connecting you to a human…', 'bot'],
      ['hello?', 'visitor'],
      ['Hi, I am Ada', 'agent'],
      ['Back with the bot. Anything else?', 'bot'],
      ['no thanks', 'visitor'],
      ['Bye! (no thanks)', 'bot'],
    ] as const) {
      expect([text, await count(text, who)]).toEqual([text, 1]);
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('hands off over REST alone when the socket cannot connect: the agent reply and the hand-back come by polling', async () => {
    const { publicId: restBot } = await publishChatbot(t, admin, { name: 'REST live bot', flow: handoffFlow() });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    let refused = 0;
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      refused++;
      void ws.close();
    });

    await openWidgetPage(page, t.url, restBot);
    await waitForBubble(page, 'Hi! What do you need?', 'bot');
    await sendText(page, 'I need a human');
    await waitForBubble(page, 'Connecting you to a human…', 'bot');
    await page.locator('#parley-widget .composer input[placeholder="Type your message…"]').waitFor();
    const sessionId = (await widgetSession(page, t.url, restBot))?.sessionId ?? '';
    await sendText(page, 'hello?');
    await waitForBubble(page, 'hello?', 'visitor');
    await page.locator('#parley-widget .composer input:not([disabled])').waitFor();
    const stored = await t.request('GET', `/api/v1/conversations/${sessionId}/messages`, { token: admin.accessToken });
    expect(stored.status).toBe(200);
    expect(stored.body.items.map((m: { text: string | null }) => m.text)).toContain('hello?');

    const sent = await t.request('POST', `/api/v1/conversations/${sessionId}/messages`, {
      token: admin.accessToken,
      body: { clientMessageId: 'a1', text: 'Hi, I am Grace' },
    });
    expect(sent.status).toBe(201);
    const reply = await waitForBubble(page, 'Hi, I am Grace', 'agent');
    expect(await reply.locator('.sender').textContent()).toBe('Test User');

    const back = await t.request('POST', `/api/v1/conversations/${sessionId}/handback`, {
      token: admin.accessToken,
      body: {},
    });
    expect(back.status).toBe(200);
    await waitForBubble(page, 'Back with the bot. Anything else?', 'bot');
    await page.locator('#parley-widget .composer input:not([placeholder="Type your message…"])').waitFor();
    await sendText(page, 'nothing');
    await waitForBubble(page, 'Bye! (nothing)', 'bot');

    for (const text of ['Hi! What do you need?', 'Connecting you to a human…', 'hello?', 'Hi, I am Grace']) {
      expect([text, await bubbles(page).filter({ hasText: text }).count()]).toEqual([text, 1]);
    }
    expect(refused).toBeGreaterThan(0);
    expect(await page.locator('#parley-widget').getAttribute('data-live')).toBeNull();
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows the problem's message when the API refuses an answer (400) and keeps the input", async () => {
    const page = await browser.newPage();
    await page.route('**/api/v1/sessions/*/messages', (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          code: 'session.invalid_input',
          status: 400,
          title: 'Bad Request',
          detail: 'No such choice.',
        }),
      }),
    );
    await page.goto(`${t.url}/widget.js`); // this origin, to forget the previous test's session
    await page.evaluate('localStorage.clear()');
    await openWidgetPage(page, t.url, publicId);
    await waitForBubble(page, 'What is your name?', 'bot');
    await sendText(page, 'Linus');
    await page.locator('#parley-widget .error', { hasText: 'No such choice.' }).waitFor();
    expect(await widgetError(page)).toBe('No such choice.');
    expect(await bubbleTexts(page, 'visitor')).toEqual([]);
    expect(await page.locator('#parley-widget .composer input').inputValue()).toBe('Linus');
    await page.close();
  });

  it('works embedded on another site: the API base is the script origin', async () => {
    // The customer's page, on another origin (another port).
    const html = `<!doctype html><html><head><style>div { color: red !important; }</style></head><body>
      <h1>Shop</h1><script src="${t.url}/widget.js" data-bot="${publicId}" async></script></body></html>`;
    const shop = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${(shop.address() as AddressInfo).port}/`);
      await page.locator('#parley-widget .launcher').click();
      const greeting = await waitForBubble(page, 'What is your name?', 'bot');
      // the host page's CSS does not reach into the shadow root
      expect(await greeting.evaluate((node) => node.ownerDocument.defaultView?.getComputedStyle(node).color)).not.toBe(
        'rgb(255, 0, 0)',
      );
      await sendText(page, 'Grace');
      await waitForBubble(page, 'Nice to meet you, Grace!', 'bot');
    } finally {
      await page.close();
      shop.closeAllConnections();
      await new Promise((resolve) => shop.close(resolve));
    }
  });
});
