import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { MailQueue } from '@/integrations/mail/mail-queue';
import { publishChatbot } from './support/chatbots';
import { register, type Account } from './support/identity';
import { withQueueEvents } from './support/queues';
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

describe("mail through an organization's smtp connection", () => {
  const relay = new SmtpReceiver({ auth: { user: 'org-mailer', pass: 'org-smtp-pass-0001' } });
  let t: TestApp;
  let relayUrl: string;
  beforeAll(async () => {
    relayUrl = (await relay.start()).url;
    t = await startTestApp({ OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true' });
  });
  afterAll(async () => {
    await t?.close();
    await relay.stop();
  });

  it('sends through the connection (its login and sender), and fails at once for another organization', async () => {
    const admin = await register(t);
    const other = await register(t);
    const created = await t.request('POST', '/api/v1/connections', {
      token: admin.accessToken,
      body: {
        name: 'Org relay',
        type: 'smtp',
        settings: { from: 'Support <support@org.example>' },
        secrets: { url: relayUrl },
      },
    });
    expect(created.status).toBe(201);
    const mail = t.app.get(MailQueue);
    await mail.enqueue(admin.organizationId, { to: ['ada@example.com'], subject: 'Via org', text: 'hi' }, 'org-1', {
      connectionId: created.body.id,
    });
    const received = await relay.waitFor((m) => m.parsed.subject === 'Via org');
    expect(received.user).toBe('org-mailer');
    expect(received.parsed.from?.value).toEqual([{ name: 'Support', address: 'support@org.example' }]);

    const queue = t.app.get<Queue>(getQueueToken('mail'));
    const failed = await withQueueEvents(t, 'mail', async (events) => {
      await mail.enqueue(other.organizationId, { to: ['x@example.com'], subject: 'Stolen', text: 'x' }, 'org-2', {
        connectionId: created.body.id,
      });
      const job = (await queue.getJob('org-2'))!;
      return job.waitUntilFinished(events).then(
        () => 'completed',
        (error: Error) => error.message,
      );
    });
    expect(failed).toMatch(/not an smtp connection of the organization/);
    const job = (await queue.getJob('org-2'))!;
    expect(job.attemptsMade).toBe(1);
    expect(relay.messages.filter((m) => m.parsed.subject === 'Stolen')).toEqual([]);
  });
});
