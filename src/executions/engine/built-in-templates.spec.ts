import { findBuiltInTemplate, type FlowDocument } from '@/flows';
import { Conversation, texts } from './testing/engine-harness';

function template(id: string): FlowDocument {
  const found = findBuiltInTemplate(id);
  if (!found) throw new Error(`no template ${id}`);
  return found.flow;
}

describe('lead capture template', () => {
  const capture = (webhookUrl?: string) => {
    const c = new Conversation(template('lead-capture'));
    const start = c.start(webhookUrl ? { variables: { 'Webhook URL': webhookUrl } } : {});
    expect(texts(start)).toEqual(["Hi! 👋 Let's get you in touch with our team.", "First, what's your name?"]);
    expect(start.awaiting).toMatchObject({ type: 'textInput', placeholder: 'Your full name' });
    expect(texts(c.reply('J'))).toEqual(['Please type your name using letters only.']);
    expect(texts(c.reply('R2D2'))).toEqual(['Please type your name using letters only.']);
    expect(texts(c.reply('Jane Doe'))).toEqual(['Nice to meet you, Jane Doe! What is your email address?']);
    expect(texts(c.reply('jane@'))).toEqual([
      "That doesn't look like an email address. Could you check it and type it again?",
    ]);
    const phone = c.reply('jane@example.com');
    expect(texts(phone)).toEqual(['And a phone number where we can reach you?']);
    expect(phone.awaiting).toMatchObject({ type: 'phoneInput', defaultCountryCode: 'US' });
    expect(texts(c.reply('12'))).toEqual(["This phone number doesn't seem to be valid. Can you type it again?"]);
    const consent = c.reply('(213) 373-4253');
    expect(texts(consent)).toEqual(['May we store these details and contact you about your request?']);
    expect(consent.awaiting).toMatchObject({
      type: 'choiceInput',
      choices: [
        { id: 'consent-yes', label: "Yes, that's fine" },
        { id: 'consent-no', label: 'No, thanks' },
      ],
    });
    return c;
  };

  it('collects a lead and thanks the visitor when no webhook is configured', () => {
    const c = capture();
    const done = c.reply({ value: 'consent-yes' });
    expect(texts(done)).toEqual(["Thanks, Jane Doe! We'll get back to you at jane@example.com soon."]);
    expect(done.status).toBe('completed');
    expect(done.nextState.variables).toMatchObject({
      'var-name': 'Jane Doe',
      'var-email': 'jane@example.com',
      'var-phone': '+12133734253',
      'var-consent': 'yes',
    });
  });

  it('posts the lead to the webhook when it is set', () => {
    const c = capture('https://hooks.example.com/lead');
    const call = c.reply("yes, that's fine");
    expect(call.status).toBe('awaiting_effect');
    const effect = call.effects[0];
    expect(effect).toMatchObject({
      kind: 'httpRequest',
      method: 'POST',
      url: 'https://hooks.example.com/lead',
      retries: 2,
    });
    expect(JSON.parse((effect as { body: string }).body)).toEqual({
      name: 'Jane Doe',
      email: 'jane@example.com',
      phone: '+12133734253',
      consent: 'yes',
    });
    expect(texts(c.effect('ok', { statusCode: 204 }))).toEqual([
      "Thanks, Jane Doe! We'll get back to you at jane@example.com soon.",
    ]);
  });

  it('forgets the contact details without consent', () => {
    const c = capture();
    const done = c.reply('No, thanks');
    expect(texts(done)).toEqual(["No problem, we won't keep your contact details. Have a great day!"]);
    expect(done.nextState.variables['var-email']).toBeUndefined();
    expect(done.nextState.variables['var-phone']).toBeUndefined();
    expect(done.nextState.endedBy).toBe('end');
  });
});

describe('AI FAQ template', () => {
  it('answers with OpenAI in a loop, remembering the dialogue', () => {
    const c = new Conversation(template('ai-faq'));
    const start = c.start();
    expect(texts(start)).toEqual([
      "Hi! I'm the virtual assistant. Ask me anything, or type **talk to a human** at any time.",
    ]);
    expect(start.awaiting).toMatchObject({ type: 'textInput', idleTimeoutSeconds: 600 });
    const ask = c.reply('When are you open?');
    expect(ask.effects[0]).toMatchObject({
      kind: 'openAiChat',
      model: 'gpt-4o-mini',
      messages: [expect.objectContaining({ role: 'system' }), { role: 'user', content: 'When are you open?' }],
    });
    const answer = c.effect('ok', { messageContent: 'Monday to Friday, 9:00 to 18:00.', totalTokens: 50 });
    expect(texts(answer)).toEqual(['Monday to Friday, 9:00 to 18:00.']);
    expect(answer.awaiting).toMatchObject({ blockId: 'question-input' });
    const second = c.reply('And shipping?');
    expect((second.effects[0] as { messages: unknown[] }).messages.slice(1)).toEqual([
      { role: 'user', content: 'When are you open?' },
      { role: 'assistant', content: 'Monday to Friday, 9:00 to 18:00.' },
      { role: 'user', content: 'And shipping?' },
    ]);
  });

  it('hands off when the visitor asks for a human', () => {
    const c = new Conversation(template('ai-faq'));
    c.start();
    const handoff = c.reply('Can I talk to a HUMAN please');
    expect(texts(handoff)).toEqual(["Sure, I'm connecting you with a member of our team. They'll reply here shortly."]);
    expect(handoff.status).toBe('handoff');
    expect(handoff.effects).toEqual([expect.objectContaining({ kind: 'handoff' })]);
  });

  it('hands off on the human command and says goodbye when idle', () => {
    const byCommand = new Conversation(template('ai-faq'));
    byCommand.start();
    expect(byCommand.command('/human').status).toBe('handoff');
    const idle = new Conversation(template('ai-faq'));
    idle.start();
    const bye = idle.idle();
    expect(texts(bye)).toEqual(['It looks like you stepped away. Come back anytime if you have more questions!']);
    expect(bye.status).toBe('completed');
  });
});

describe('satisfaction survey template', () => {
  const survey = (score: string) => {
    const c = new Conversation(template('satisfaction-survey'));
    const start = c.start();
    expect(texts(start)).toEqual(['Thanks for chatting with us! How satisfied are you with the help you received?']);
    expect(start.awaiting).toMatchObject({ type: 'ratingInput', startsAt: 1, length: 5, leftLabel: 'Not satisfied' });
    expect(texts(c.reply('9'))).toEqual(['Invalid message. Please, try again.']);
    return { c, next: c.reply(score) };
  };

  it('asks what went wrong after a low score', () => {
    const { c, next } = survey('2');
    expect(texts(next)).toEqual(["We're sorry to hear that. What could we have done better?"]);
    const done = c.reply('Faster answers');
    expect(texts(done)).toEqual(['Thank you for your feedback, it helps us improve! 🙏']);
    expect(done.nextState.variables).toEqual({ 'var-score': 2, 'var-comment': 'Faster answers' });
  });

  it('asks what went well after a high score', () => {
    const { c, next } = survey('5');
    expect(texts(next)).toEqual(['Great to hear! Anything else you would like to tell us?']);
    expect(c.reply('All good').status).toBe('completed');
  });
});
