import { domainEvent } from './outbox.sql';
import { subscriberJobId, subscribersOf } from './subscribers';

const message = (sender: 'bot' | 'visitor' | 'agent', kind: 'message' | 'note') =>
  domainEvent('message.created', 'org-1', {
    conversationId: 'c1',
    message: {
      id: 'm1',
      conversationId: 'c1',
      seq: 1,
      sender: { type: sender },
      kind,
      content: { type: 'text', text: 'hi' },
      text: 'hi',
      clientMessageId: null,
      status: 'sent',
      createdAt: new Date(0).toISOString(),
    },
  });

const names = (event: Parameters<typeof subscribersOf>[0]) => subscribersOf(event).map((s) => s.name);

describe('subscribersOf', () => {
  it('gives a subscriber with `when` only the events it accepts (no WhatsApp job per bot bubble or note)', () => {
    expect(names(message('agent', 'message'))).toContain('whatsapp-agent-messages');
    expect(names(message('bot', 'message'))).not.toContain('whatsapp-agent-messages');
    expect(names(message('agent', 'note'))).not.toContain('whatsapp-agent-messages');
  });

  it('never feeds message.created to the metrics subscriber, and feeds every other type to it', () => {
    expect(names(message('visitor', 'message'))).not.toContain('metrics');
    const published = domainEvent('chatbot.published', 'org-1', {
      chatbotId: 'b1',
      version: 1,
      rolledBackFrom: null,
      publishedByUserId: null,
    });
    expect(names(published)).toEqual(expect.arrayContaining(['metrics', 'webhooks']));
  });

  it('derives job ids from the subscriber and the event', () => {
    expect(subscriberJobId('webhooks', 'e1')).toBe('webhooks-e1');
  });
});
