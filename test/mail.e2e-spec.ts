import { publishChatbot } from './support/chatbots';
import { register, type Account } from './support/identity';
import { SmtpReceiver } from './support/smtp-receiver';
import { startTestApp, type TestApp } from './support/test-app';

interface Step {
  blockId: string;
  kind: string;
  outcome: string;
  error?: string;
  detail?: string;
}

/** Asks for the visitor's email, then sends them a text and an html email (templated). */
const mailFlow = () => ({
  schemaVersion: 1,
  events: [{ id: 'start', type: 'start' }],
  variables: [
    { id: 'email', name: 'email' },
    { id: 'name', name: 'name', defaultValue: 'Ada' },
  ],
  groups: [
    { id: 'g1', blocks: [{ id: 'ask', type: 'textInput', options: { variableId: 'email' } }] },
    {
      id: 'g2',
      blocks: [
        {
          id: 'text-mail',
          type: 'sendEmail',
          options: {
            to: ['{{email}}'],
            cc: ['copy@example.com'],
            bcc: ['hidden@example.com'],
            replyTo: 'desk@example.com',
            subject: 'Hello {{name}}',
            body: 'Dear {{name}}, thanks for writing.',
            format: 'text',
          },
        },
        {
          id: 'html-mail',
          type: 'sendEmail',
          options: {
            to: ['{{email}}'],
            subject: 'Your summary',
            body: '<p>Dear <b>{{name}}</b></p>',
            format: 'html',
          },
        },
        { id: 'done', type: 'text', options: { text: 'Sent!' } },
      ],
    },
  ],
  edges: [
    { id: 'e0', from: { eventId: 'start' }, to: { groupId: 'g1' } },
    { id: 'e1', from: { blockId: 'ask' }, to: { groupId: 'g2' } },
  ],
});

async function chat(t: TestApp, owner: Account, email: string) {
  const bot = await publishChatbot(t, owner, { name: `mail ${Math.random()}`, flow: mailFlow() });
  const session = await t.request('POST', `/api/v1/bots/${bot.publicId}/sessions`, { body: {} });
  expect(session.status).toBe(201);
  const turn = await t.request('POST', `/api/v1/sessions/${session.body.sessionId}/messages`, {
    token: session.body.sessionToken,
    body: { clientMessageId: 'm1', text: email },
  });
  expect(turn.status).toBe(200);
  const logs = await t.request<Step[]>('GET', `/api/v1/sessions/${session.body.sessionId}/logs`, {
    token: owner.accessToken,
  });
  return {
    texts: (turn.body.messages as { markdown?: string }[]).map((m) => m.markdown),
    // The service's step of each block (the engine logs the block itself too).
    mailSteps: logs.body.filter((s) => s.kind === 'sendEmail' && (s.detail === 'queued' || s.outcome !== 'ok')),
  };
}

describe('mail: the send-email block through the mail transport', () => {
  const smtp = new SmtpReceiver();
  let t: TestApp;
  let admin: Account;

  beforeAll(async () => {
    const { url } = await smtp.start();
    t = await startTestApp({ SMTP_URL: url, MAIL_FROM: 'Parley Bot <bot@parley.test>' });
    admin = await register(t);
  });
  afterAll(async () => {
    await t?.close();
    await smtp.stop();
  });

  it('queues the mail (the log says queued) and delivers it with the templated fields', async () => {
    const { texts, mailSteps } = await chat(t, admin, 'visitor@example.com');
    expect(texts).toEqual(['Sent!']);
    expect(mailSteps.map((s) => [s.blockId, s.outcome, s.detail])).toEqual([
      ['text-mail', 'ok', 'queued'],
      ['html-mail', 'ok', 'queued'],
    ]);

    const text = await smtp.waitFor((m) => m.parsed.subject === 'Hello Ada');
    expect(text.envelope.from).toBe('bot@parley.test');
    expect(text.envelope.to.sort()).toEqual(['copy@example.com', 'hidden@example.com', 'visitor@example.com']);
    expect(text.parsed.from?.value).toEqual([{ name: 'Parley Bot', address: 'bot@parley.test' }]);
    expect(text.parsed.to).toMatchObject({ text: 'visitor@example.com' });
    expect(text.parsed.cc).toMatchObject({ text: 'copy@example.com' });
    expect(text.parsed.bcc).toBeUndefined(); // only in the envelope
    expect(text.parsed.replyTo).toMatchObject({ text: 'desk@example.com' });
    expect(text.parsed.text?.trim()).toBe('Dear Ada, thanks for writing.');

    const html = await smtp.waitFor((m) => m.parsed.subject === 'Your summary');
    expect(html.envelope.to).toEqual(['visitor@example.com']);
    expect(html.parsed.html).toContain('<p>Dear <b>Ada</b></p>');
  });
});

describe('mail off (no SMTP_URL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('skips the block with a clear log line and the bot goes on', async () => {
    const admin = await register(t);
    const { texts, mailSteps } = await chat(t, admin, 'visitor@example.com');
    expect(texts).toEqual(['Sent!']);
    expect(mailSteps.map((s) => [s.blockId, s.outcome, s.error])).toEqual([
      ['text-mail', 'skipped', 'mail is not configured (SMTP_URL)'],
      ['html-mail', 'skipped', 'mail is not configured (SMTP_URL)'],
    ]);
  });
});
