import * as fs from 'node:fs';
import * as path from 'node:path';
import { importTypebot, type FlowDocument } from '@/flows';
import type { EngineResult } from './engine-types';
import { Conversation, scriptedRandom, testContext, texts } from './testing/engine-harness';

/** The Typebot corpus lives in shared/, a sibling of the repository root. */
const COMPAT = path.join(__dirname, '..', '..', '..', '..', 'shared', 'compat', 'typebot');

function corpusFlow(file: string): FlowDocument {
  const imported = importTypebot(JSON.parse(fs.readFileSync(path.join(COMPAT, 'flows', file), 'utf8')));
  if (!imported.ok) throw new Error(`import of ${file} failed: ${JSON.stringify(imported.errors)}`);
  return imported.flow;
}

interface SampleLeaf {
  text: string;
  bold?: boolean;
}
interface SampleMessage {
  id: string;
  type: string;
  content: { url?: string; richText?: { children: SampleLeaf[] }[] };
}
interface SampleAnswer {
  messages: SampleMessage[];
  input?: { id: string; type: string; items?: { id: string; content: string }[] };
}

function sample(file: string): SampleAnswer {
  return JSON.parse(fs.readFileSync(path.join(COMPAT, 'api-samples', file), 'utf8')) as SampleAnswer;
}

/** What Typebot's answer shows, in the engine's terms: markdown texts and image URLs, by block. */
function expectedMessages(answer: SampleAnswer) {
  return answer.messages.map((m) =>
    m.type === 'image'
      ? { blockId: m.id, type: 'image', url: m.content.url }
      : {
          blockId: m.id,
          type: 'text',
          markdown: (m.content.richText ?? [])
            .map((p) => p.children.map((leaf) => (leaf.bold ? `**${leaf.text}**` : leaf.text)).join(''))
            .join('\n'),
        },
  );
}

function sameAsTypebot(result: EngineResult, answer: SampleAnswer): void {
  expect(result.messages).toEqual(expectedMessages(answer));
  if (!answer.input) {
    expect(result.awaiting).toBeNull();
    return;
  }
  expect(result.awaiting?.blockId).toBe(answer.input.id);
  if (answer.input.items) {
    expect(result.awaiting).toMatchObject({ choices: answer.input.items.map((i) => ({ id: i.id, label: i.content })) });
  }
}

describe('template-lead-gen.json against the recorded Typebot answers', () => {
  it('says the same things and waits for the same inputs, turn by turn', () => {
    const c = new Conversation(corpusFlow('template-lead-gen.json'));
    sameAsTypebot(c.start(), sample('startChat.lead-gen.response.json'));
    sameAsTypebot(c.reply('Hi!'), sample('continueChat.1.hi-.response.json'));
    sameAsTypebot(c.reply('Jane Doe'), sample('continueChat.2.jane-doe.response.json'));
    sameAsTypebot(c.reply('not-an-email'), sample('continueChat.3.not-an-email.response.json'));
    sameAsTypebot(c.reply('jane@example.com'), sample('continueChat.4.jane-example-com.response.json'));
    sameAsTypebot(c.reply('Social Media'), sample('continueChat.5.social-media.response.json'));
    const last = c.reply('Need a new landing page');
    sameAsTypebot(last, sample('continueChat.6.need-a-new-landing-page.response.json'));
    expect(last.status).toBe('completed');
  });
});

describe('fixture-viewer-condition.json', () => {
  const flow = corpusFlow('fixture-viewer-condition.json');
  it.each([
    ['90', ['You are older than 80']],
    ['30', ['You are older than 20']],
    // The "≤ 20" branch is true and has no exit: the path ends before the last bubble.
    ['15', ['You are younger than 20']],
  ])('age %s', (age, expected) => {
    const c = new Conversation(flow);
    expect(texts(c.start())).toEqual(['How old are you?']);
    expect(texts(c.reply('not a number'))).toEqual(['Invalid message. Please, try again.']);
    expect(texts(c.reply(age))).toEqual(expected);
    expect(c.last?.status).toBe('completed');
  });
});

describe('template-quiz.json', () => {
  const flow = corpusFlow('template-quiz.json');
  const start = (c: Conversation) => {
    expect(texts(c.start())).toEqual([
      'Hi there!',
      "You're about to answer a Quiz about Digital Marketing",
      'It is composed of only 4 questions.',
      '**Ready?**',
    ]);
    expect(texts(c.reply('Go!'))).toEqual(['What does SEO stand for?']);
  };

  it('scores 20/20 with every answer right, then restarts from question one', () => {
    const c = new Conversation(flow);
    start(c);
    expect(texts(c.reply('Search Engine Optimization'))).toEqual(['Well done!', 'What is anchor text?']);
    expect(texts(c.reply('The visible text that is hyperlinked to another page'))).toEqual([
      'Well done!',
      'What is a persona ?',
    ]);
    expect(texts(c.reply('A fictional representation of a group of customers'))).toEqual([
      'Well done!',
      'What does CTA stand for?',
    ]);
    expect(texts(c.reply('call to action'))).toEqual(['Well done 👏', 'Your score is 20/20.', 'Try again?']);
    expect(texts(c.reply('Yes!'))).toEqual(['What does SEO stand for?']);
    expect(c.last?.nextState.variables).toEqual({ vcl1r0bxdj000z2e6d65u7n41b: '0' });
  });

  it('explains wrong answers and scores them', () => {
    const c = new Conversation(flow);
    start(c);
    expect(texts(c.reply('Send Email Out'))).toEqual([
      'WRONG!',
      'SEO stands for Search Engine Optimization',
      'What is anchor text?',
    ]);
    c.reply('The text in the top left of a webpage');
    c.reply('A repeat customer');
    const result = c.reply('Call To Action');
    expect(texts(result)).toEqual([
      'Aouch, you need to improve your Digital Marketing game.',
      'Your score is 5/20.',
      'Try again?',
    ]);
    const bye = c.reply('No, bye!');
    expect(bye).toMatchObject({ status: 'completed', messages: [] });
  });
});

describe('other corpus fixtures', () => {
  it('fixture-viewer-return.json: jump then return to the waiting choice; return without mark ends', () => {
    const c = new Conversation(corpusFlow('fixture-viewer-return.json'));
    const start = c.start();
    expect(texts(start)).toEqual(['Hey!']);
    expect(start.awaiting).toMatchObject({ type: 'choiceInput', choices: [{ label: 'Hi!' }] });
    expect(texts(c.reply('Hi!'))).toEqual(["What's your name?"]);
    expect(c.last?.status).toBe('completed');
  });

  it('fixture-viewer-reply-event.json: the reply event echoes each reply, then return continues', () => {
    const c = new Conversation(corpusFlow('fixture-viewer-reply-event.json'));
    c.start();
    expect(texts(c.reply('Hi!'))).toEqual(['Hi!', 'choiceInput', 'sbjZWLJGVkHAkDqS4JQeGow', "What's your name?"]);
    expect(texts(c.reply('Jane'))).toEqual([
      'Jane',
      'textInput',
      'sqEsMo747LTDnY9FjQcEwUv',
      'Great! Nice to meet you Jane',
      "What's the best email we can reach you at?",
    ]);
    // "…leave…" matches the second condition, whose only exit is the else: the reply event path ends there
    expect(texts(c.reply('I want to leave'))).toEqual(['I want to leave', 'emailInput', 'snbsad18Bgry8yZ8DZCfdFD']);
  });

  it('fixture-builder-ab-test-v3.json: the injected random source picks the path', () => {
    const flow = corpusFlow('fixture-builder-ab-test-v3.json');
    const run = (r: number) => texts(new Conversation(flow, testContext({ random: scriptedRandom([r]) })).start());
    expect(run(0.1)).toEqual(['Hey', 'How are you?']);
    expect(run(0.9)).toEqual(['Hey', "What's up?"]);
  });

  it('fixture-viewer-webhook.json: HTTP calls round trip and their responses are printed', () => {
    const c = new Conversation(corpusFlow('fixture-viewer-webhook.json'));
    const start = c.start();
    expect(start.awaiting).toMatchObject({ type: 'choiceInput', choices: [{ label: 'Send failing webhook' }] });
    const failing = c.reply('Send failing webhook');
    expect(failing.effects[0]).toMatchObject({ kind: 'httpRequest', url: 'http://localhost:3000/api/mock/fail' });
    const afterFail = c.effect('ok', { statusCode: 500, data: { message: 'Fail' } });
    expect(afterFail.log.find((s) => s.kind === 'httpRequest')).toMatchObject({ outcome: 'error' });
    expect(afterFail.awaiting).toMatchObject({ type: 'textInput', placeholder: 'Type a name...' });
    c.reply('John');
    c.reply('25');
    const first = c.reply('Male');
    expect(JSON.parse((first.effects[0] as { body: string }).body)).toEqual({ name: 'John', age: 25, gender: 'Male' });
    const second = c.effect('ok', { statusCode: 200, data: { name: 'John', age: 25, gender: 'Male' } });
    expect(texts(second)).toEqual(['Data of first request:\n\n{"name":"John","age":25,"gender":"Male"}']);
    expect(JSON.parse((second.effects[0] as { body: string }).body)).toEqual({ name: 'John', age: 25, gender: 'male' });
    const done = c.effect('ok', { statusCode: 200, data: { name: 'John', age: 25, gender: 'male' } });
    expect(texts(done)).toEqual(['Data of second request:\n\n{"name":"John","age":25,"gender":"male"}']);
  });
});
