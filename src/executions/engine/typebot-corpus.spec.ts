import { importTypebot, type FlowDocument } from '@/flows';
import {
  corpusFlow as corpusExport,
  corpusSample,
  describeCorpus,
  fixture,
  fixtureAnswer,
} from '../../../test/support/typebot-corpus';
import type { EngineResult } from './engine-types';
import { Conversation, scriptedRandom, testContext, texts } from './testing/engine-harness';

function importedFlow(json: unknown, file: string): FlowDocument {
  const imported = importTypebot(json);
  if (!imported.ok) throw new Error(`import of ${file} failed: ${JSON.stringify(imported.errors)}`);
  return imported.flow;
}

const fixtureFlow = (file: string): FlowDocument => importedFlow(fixture(file), file);
const corpusFlow = (file: string): FlowDocument => importedFlow(corpusExport(file), file);

interface SampleLeaf {
  text?: string;
  bold?: boolean;
  italic?: boolean;
  type?: string;
  url?: string;
  children?: SampleLeaf[];
}
interface SampleMessage {
  id: string;
  type: string;
  content: { url?: string; clickLink?: { url: string; alt?: string }; richText?: { children: SampleLeaf[] }[] };
}
interface SampleAnswer {
  messages: SampleMessage[];
  input?: { id: string; type: string; items?: { id: string; content: string }[] };
}

/** A rich-text leaf (or link) of a Typebot answer as the markdown the engine sends. */
const leafMarkdown = (leaf: SampleLeaf): string => {
  if (leaf.type === 'a') return `[${(leaf.children ?? []).map(leafMarkdown).join('')}](${leaf.url ?? ''})`;
  const text = leaf.text ?? '';
  return leaf.bold ? `**${text}**` : leaf.italic ? `_${text}_` : text;
};

/** What Typebot's answer shows, in the engine's terms: markdown texts and image URLs, by block. */
function expectedMessages(answer: SampleAnswer) {
  return answer.messages.map((m) =>
    m.type === 'image'
      ? {
          blockId: m.id,
          type: 'image',
          url: m.content.url,
          ...(m.content.clickLink && { clickLink: m.content.clickLink }),
        }
      : {
          blockId: m.id,
          type: 'text',
          markdown: (m.content.richText ?? []).map((p) => p.children.map(leafMarkdown).join('')).join('\n'),
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

describe('bakery-order.json against the answers written for it', () => {
  it('says the same things and waits for the same inputs, turn by turn', () => {
    const c = new Conversation(fixtureFlow('bakery-order.json'));
    const answer = (file: string) => fixtureAnswer<SampleAnswer>(`bakery-order.${file}.json`);
    sameAsTypebot(c.start(), answer('startChat'));
    sameAsTypebot(c.reply("Let's order"), answer('continueChat.1.lets-order'));
    sameAsTypebot(c.reply('Ada'), answer('continueChat.2.ada'));
    sameAsTypebot(c.reply('ada@bakery'), answer('continueChat.3.not-an-email'));
    sameAsTypebot(c.reply('ada@example.org'), answer('continueChat.4.valid-email'));
    sameAsTypebot(c.reply('Croissants'), answer('continueChat.5.croissants'));
    const last = c.reply('Nut-free, please');
    sameAsTypebot(last, answer('continueChat.6.notes'));
    expect(last.status).toBe('completed');
    expect(last.nextState.variables).toMatchObject({
      var_customer: 'Ada',
      var_email: 'ada@example.org',
      var_pastry: 'Croissants',
      var_notes: 'Nut-free, please',
    });
  });

  it('runs the v4 export of the same flow the same way', () => {
    const v4 = new Conversation(fixtureFlow('bakery-order.v4.json'));
    const v6 = new Conversation(fixtureFlow('bakery-order.json'));
    expect(v4.start().messages).toEqual(v6.start().messages);
    for (const reply of ["Let's order", 'Ada', 'nope', 'ada@example.org', 'Carrot cake', 'Happy birthday on top']) {
      expect(v4.reply(reply)).toEqual(v6.reply(reply));
    }
  });
});

describe('age-gate.json', () => {
  const flow = fixtureFlow('age-gate.json');
  it.each([
    ['40', ['Enjoy the film!']],
    // No item is true: the condition falls through to the next block of its group.
    ['15', ['Teen tickets are half price.']],
    // "< 13" is true and has no exit: the path ends before the next block.
    ['9', []],
  ])('age %s', (age, expected) => {
    const c = new Conversation(flow);
    expect(texts(c.start())).toEqual(['How old are you?']);
    expect(texts(c.reply('old enough'))).toEqual(['Invalid message. Please, try again.']);
    expect(texts(c.reply(age))).toEqual(expected);
    expect(c.last?.status).toBe('completed');
  });
});

describe('trivia-logic.v6.json', () => {
  const flow = fixtureFlow('trivia-logic.v6.json');
  const intro = [
    'Three questions about the **solar system**. Ready?',
    'Q1: Which planet is the largest?',
    // A jump in the middle of the group, then a return to the block after it.
    'Tip: it is named after a king of the gods.',
  ];

  it('scores 3/3, waits, redirects and says goodbye', () => {
    const c = new Conversation(flow);
    expect(texts(c.start())).toEqual(intro);
    expect(c.last?.awaiting).toMatchObject({ type: 'choiceInput', blockId: 'trivia_q1_choice' });
    expect(texts(c.reply('Jupiter'))).toEqual(['Correct!', 'Next one.', 'Q2: What is the closest star to Earth?']);
    // OR: "Contains sun" is true (case-insensitive).
    expect(texts(c.reply('The Sun'))).toEqual(['Correct!', 'Q3: How many moons does Mars have?']);
    const perfect = c.reply('2');
    expect(texts(perfect)).toEqual(['Correct: Phobos and Deimos.', 'You scored 3/3.', 'A perfect score!']);
    expect(perfect.effects).toEqual([expect.objectContaining({ kind: 'wait', seconds: 1, awaitsResult: true })]);
    const done = c.effect('ok');
    expect(texts(done)).toEqual(['See you next launch!']);
    expect(done.effects).toEqual([
      expect.objectContaining({ kind: 'redirect', url: 'https://space.example.org/badge?score=3', newTab: true }),
    ]);
    expect(done.status).toBe('completed');
    expect(done.nextState.variables).toMatchObject({
      var_score: '3',
      var_answers: ['Jupiter', 'The Sun'],
      var_finished_at: '2025-03-14T09:30:00+00:00',
    });
  });

  it('explains wrong answers, jumps into the middle of a group, and restarts through a link to itself', () => {
    const c = new Conversation(flow);
    c.start();
    // The jump targets the question block: "Next one." is skipped.
    expect(texts(c.reply('Mars'))).toEqual(['Not quite: it is Jupiter.', 'Q2: What is the closest star to Earth?']);
    expect(texts(c.reply('Alpha Centauri'))).toEqual(['It is the Sun itself!', 'Q3: How many moons does Mars have?']);
    expect(texts(c.reply('3'))).toEqual(['You scored 0/3.', 'Want to try again?']);
    expect(texts(c.reply('Yes'))).toEqual(intro);
    expect(c.last?.nextState.variables).toMatchObject({ var_score: '0' });
    expect(texts(c.reply('Saturn'))).toEqual(['Not quite: it is Jupiter.', 'Q2: What is the closest star to Earth?']);
    expect(c.last?.nextState.variables).toMatchObject({ var_answers: ['Saturn'] });
  });
});

describe('other fixtures', () => {
  it('reply-event.json: the reply event echoes each reply, then return continues; a command runs its path', () => {
    const c = new Conversation(fixtureFlow('reply-event.json'));
    expect(texts(c.start())).toEqual(['Say something and I will say it back.']);
    expect(texts(c.reply('hello'))).toEqual(['hello', 'textInput', 'echo_ask_input', 'You said: hello', 'Bye!']);
    expect(c.last?.status).toBe('completed');
    const help = new Conversation(fixtureFlow('reply-event.json'));
    help.start();
    expect(texts(help.send({ type: 'command', command: 'Need-help' }))).toEqual(['Just type anything.']);
  });

  it('greeter-ab.v3.json: the injected random source picks the path', () => {
    const flow = fixtureFlow('greeter-ab.v3.json');
    const run = (r: number) => texts(new Conversation(flow, testContext({ random: scriptedRandom([r]) })).start());
    expect(run(0.1)).toEqual(['Hi!', 'Lovely to see you again.']);
    expect(run(0.9)).toEqual(['Hi!', 'Hello there.']);
  });

  it('opening-hours.unversioned.json: item edges of a legacy choice', () => {
    const c = new Conversation(fixtureFlow('opening-hours.unversioned.json'));
    expect(texts(c.start())).toEqual(['When do you want to visit?']);
    expect(texts(c.reply('Weekend'))).toEqual(['Saturdays 9:00–13:00, **closed on Sundays**.']);
  });

  it('newsletter-signup.v5.json: starts with an input; the HTTP call round trips into a variable', () => {
    const c = new Conversation(fixtureFlow('newsletter-signup.v5.json'));
    expect(c.start()).toMatchObject({ messages: [], awaiting: { type: 'emailInput', buttonLabel: 'Subscribe' } });
    const call = c.reply('ada@example.org');
    expect(call.effects[0]).toMatchObject({
      kind: 'httpRequest',
      method: 'POST',
      url: 'https://lists.example.org/api/subscribe',
      body: '{"email": "ada@example.org"}',
    });
    expect(texts(c.effect('ok', { statusCode: 200, data: { id: 'sub-42' } }))).toEqual([
      'Subscribed! Your number is sub-42.',
    ]);
  });

  it('every-input.json: each media bubble is sent and each input kind accepts a valid answer', () => {
    const c = new Conversation(fixtureFlow('every-input.json'));
    expect(c.start().messages.map((m) => m.type)).toEqual(['video', 'audio', 'embed']);
    const answers: [reply: string | { value: unknown }, nextInput: string | null][] = [
      [{ value: { signed: true } }, 'textInput'],
      ['Ada Lovelace', 'numberInput'],
      ['3', 'emailInput'],
      ['ada@example.org', 'urlInput'],
      ['https://ada.example.org', 'phoneInput'],
      ['912345678', 'dateInput'],
      ['2026-03-01 until 2026-03-04', 'timeInput'],
      ['14:30', 'ratingInput'],
      ['4', 'ratingInput'],
      ['9', 'choiceInput'],
      ['Fever, Rash', 'choiceInput'],
      ['Dr. Costa', 'pictureChoiceInput'],
      ['Quiet room', 'pictureChoiceInput'],
      ['Blue room', 'fileInput'],
      ['https://files.example.org/scan.pdf', null],
    ];
    for (const [reply, nextInput] of answers) {
      const result = c.reply(reply);
      expect([reply, result.awaiting?.type ?? null, result.awaiting?.isRetry ?? false]).toEqual([
        reply,
        nextInput,
        false,
      ]);
    }
    expect(texts(c.last!)).toEqual(['Thank you, Ada Lovelace. See you soon.']);
    expect(c.last?.nextState.variables).toMatchObject({
      var_phone: '+351912345678',
      var_symptoms: 'Fever, Rash',
      var_doctor: 'Dr. Costa',
      var_room: 'Blue room',
      var_scan: 'https://files.example.org/scan.pdf',
    });
  });
});

/** The same behaviours on real Typebot exports, against Typebot's own recorded answers. */
describeCorpus('Typebot corpus flows', () => {
  describe('template-lead-gen.json against the recorded Typebot answers', () => {
    it('says the same things and waits for the same inputs, turn by turn', () => {
      const c = new Conversation(corpusFlow('template-lead-gen.json'));
      sameAsTypebot(c.start(), corpusSample<SampleAnswer>('startChat.lead-gen.response.json'));
      sameAsTypebot(c.reply('Hi!'), corpusSample<SampleAnswer>('continueChat.1.hi-.response.json'));
      sameAsTypebot(c.reply('Jane Doe'), corpusSample<SampleAnswer>('continueChat.2.jane-doe.response.json'));
      sameAsTypebot(c.reply('not-an-email'), corpusSample<SampleAnswer>('continueChat.3.not-an-email.response.json'));
      sameAsTypebot(
        c.reply('jane@example.com'),
        corpusSample<SampleAnswer>('continueChat.4.jane-example-com.response.json'),
      );
      sameAsTypebot(c.reply('Social Media'), corpusSample<SampleAnswer>('continueChat.5.social-media.response.json'));
      const last = c.reply('Need a new landing page');
      sameAsTypebot(last, corpusSample<SampleAnswer>('continueChat.6.need-a-new-landing-page.response.json'));
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
      expect(JSON.parse((first.effects[0] as { body: string }).body)).toEqual({
        name: 'John',
        age: 25,
        gender: 'Male',
      });
      const second = c.effect('ok', { statusCode: 200, data: { name: 'John', age: 25, gender: 'Male' } });
      expect(texts(second)).toEqual(['Data of first request:\n\n{"name":"John","age":25,"gender":"Male"}']);
      expect(JSON.parse((second.effects[0] as { body: string }).body)).toEqual({
        name: 'John',
        age: 25,
        gender: 'male',
      });
      const done = c.effect('ok', { statusCode: 200, data: { name: 'John', age: 25, gender: 'male' } });
      expect(texts(done)).toEqual(['Data of second request:\n\n{"name":"John","age":25,"gender":"male"}']);
    });
  });
});
