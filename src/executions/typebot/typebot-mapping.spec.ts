import { defaultChatbotSettings } from '@/chatbots/chatbot-settings';
import { importTypebot } from '@/flows';
import { type ChatMessage, type ChatTurn, withIds } from '../chat-view';
import type { Awaiting, EngineResult } from '../engine/engine-types';
import { Conversation } from '../engine/testing/engine-harness';
import { isLeaf, type RichTextNode } from './rich-text';
import {
  concatTurns,
  EMBED_EVENT_DATA_VARIABLE,
  resumedTurn,
  toTypebotContinueResponse,
  toTypebotInput,
  toTypebotResponse,
  typebotInfoOf,
  progressBarEnabled,
  reaskedTurn,
} from './typebot-mapping';
import type { TypebotInfo } from './typebot-types';
import { corpusFlow, corpusSample, describeCorpus, fixture, fixtureAnswer } from '../../../test/support/typebot-corpus';
const SESSION_ID = '0190a2b4-0000-7000-8000-000000000001';
const TOKEN = `pst_${SESSION_ID}.signature`;
const TYPEBOT: TypebotInfo = {
  id: 'bot-1',
  version: '6.1',
  theme: {},
  settings: {},
  publishedAt: '2026-01-01T00:00:00.000Z',
};

const turn = (overrides: Partial<ChatTurn> = {}): ChatTurn => ({
  sessionId: SESSION_ID,
  status: 'active',
  messages: [],
  input: null,
  actions: [],
  progress: null,
  ...overrides,
});

const text = (blockId: string, markdown: string, id = blockId): ChatMessage => ({
  id,
  blockId,
  type: 'text',
  markdown,
});

/** One leaf per run of equal marks: Typebot splits a leaf where a variable was inserted. */
const mergeLeaves = (nodes: RichTextNode[]): RichTextNode[] =>
  nodes.reduce<RichTextNode[]>((out, node) => {
    const last = out[out.length - 1];
    if (!isLeaf(node)) return [...out, { ...node, children: mergeLeaves(node.children) }];
    if (last && isLeaf(last) && last.bold === node.bold && last.italic === node.italic) {
      return [...out.slice(0, -1), { ...last, text: last.text + node.text }];
    }
    return [...out, node];
  }, []);

/** A recorded answer as Parley gives it: our session token, result id and bot. */
function asParley(recorded: Record<string, unknown>, start = false) {
  const answer = recorded as {
    messages: { content: { richText?: RichTextNode[] } }[];
    input?: Record<string, unknown>;
  };
  for (const message of answer.messages) {
    if (message.content.richText) message.content.richText = mergeLeaves(message.content.richText);
  }
  if (!start) return answer;
  const { sessionId: _session, resultId: _result, typebot: _bot, ...rest } = answer as Record<string, unknown>;
  return { sessionId: TOKEN, resultId: SESSION_ID, typebot: TYPEBOT, ...rest };
}

/** Drives an imported flow through the mapping and compares each answer with the recorded one. */
function answersAsRecorded(
  json: unknown,
  startAnswer: Record<string, unknown>,
  steps: [reply: string, answer: Record<string, unknown>, name: string][],
) {
  const imported = importTypebot(json);
  if (!imported.ok) throw new Error('the flow does not import');
  const chatTurn = (result: EngineResult): ChatTurn =>
    turn({
      status: result.status === 'completed' ? 'completed' : 'active',
      messages: withIds(result.messages),
      input: result.awaiting,
    });
  const c = new Conversation(imported.flow);
  expect(toTypebotResponse(chatTurn(c.start()), { sessionToken: TOKEN, typebot: TYPEBOT })).toEqual(
    asParley(startAnswer, true),
  );
  for (const [reply, answer, name] of steps) {
    expect([name, toTypebotContinueResponse(chatTurn(c.reply(reply)))]).toEqual([name, asParley(answer)]);
  }
}

describe('bakery-order.json against the answers written for it in Typebot shapes', () => {
  it('answers startChat and every continueChat as recorded, but for ids and the bot', () => {
    const answer = (name: string) => fixtureAnswer(`bakery-order.${name}.json`);
    const steps: [string, string][] = [
      ["Let's order", 'continueChat.1.lets-order'],
      ['Ada', 'continueChat.2.ada'],
      ['ada@bakery', 'continueChat.3.not-an-email'],
      ['ada@example.org', 'continueChat.4.valid-email'],
      ['Croissants', 'continueChat.5.croissants'],
      ['Nut-free, please', 'continueChat.6.notes'],
    ];
    answersAsRecorded(
      fixture('bakery-order.json'),
      answer('startChat'),
      steps.map(([reply, name]) => [reply, answer(name), name]),
    );
  });
});

describeCorpus('the lead-gen template against the recorded Typebot answers', () => {
  it('answers startChat and every continueChat as Typebot did, but for ids and the bot', () => {
    const steps: [reply: string, file: string][] = [
      ['Hi!', 'continueChat.1.hi-.response.json'],
      ['Jane Doe', 'continueChat.2.jane-doe.response.json'],
      ['not-an-email', 'continueChat.3.not-an-email.response.json'],
      ['jane@example.com', 'continueChat.4.jane-example-com.response.json'],
      ['Social media', 'continueChat.5.social-media.response.json'],
      ['I need a new landing page', 'continueChat.6.need-a-new-landing-page.response.json'],
    ];
    answersAsRecorded(
      corpusFlow('template-lead-gen.json'),
      corpusSample('startChat.lead-gen.response.json'),
      steps.map(([reply, file]) => [reply, corpusSample(file), file]),
    );
  });
});

describe('messages', () => {
  it('sends text as rich text or, when asked, markdown', () => {
    const answer = turn({ messages: [text('b1', 'Hi **you**')] });
    expect(toTypebotContinueResponse(answer).messages).toEqual([
      {
        id: 'b1',
        type: 'text',
        content: {
          type: 'richText',
          richText: [{ type: 'p', children: [{ text: 'Hi ' }, { text: 'you', bold: true }] }],
        },
      },
    ]);
    expect(toTypebotContinueResponse(answer, { textBubbleContentFormat: 'markdown' }).messages).toEqual([
      { id: 'b1', type: 'text', content: { type: 'markdown', markdown: 'Hi **you**' } },
    ]);
  });

  it('sends images, videos, audio and embeds in Typebot shapes', () => {
    const messages: ChatMessage[] = [
      {
        id: '0.0',
        blockId: 'img',
        type: 'image',
        url: 'https://x.dev/a.png',
        alt: 'A',
        clickLink: { url: 'https://x.dev' },
      },
      {
        id: '0.1',
        blockId: 'yt',
        type: 'video',
        url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1',
        provider: 'youtube',
        autoplay: false,
        showControls: true,
      },
      {
        id: '0.2',
        blockId: 'vm',
        type: 'video',
        url: 'https://vimeo.com/76979871',
        provider: 'vimeo',
        autoplay: true,
        showControls: false,
      },
      {
        id: '0.3',
        blockId: 'mp4',
        type: 'video',
        url: 'https://x.dev/v.mp4',
        provider: 'url',
        autoplay: false,
        showControls: true,
      },
      {
        id: '0.4',
        blockId: 'bad',
        type: 'video',
        url: 'https://x.dev/watch',
        provider: 'youtube',
        autoplay: false,
        showControls: true,
      },
      { id: '0.5', blockId: 'au', type: 'audio', url: 'https://x.dev/a.mp3', autoplay: true },
      { id: '0.6', blockId: 'em', type: 'embed', url: 'https://x.dev/form', heightPx: 300, waitForEvent: 'done' },
    ];
    expect(toTypebotContinueResponse(turn({ messages })).messages).toEqual([
      { id: 'img', type: 'image', content: { url: 'https://x.dev/a.png', clickLink: { url: 'https://x.dev' } } },
      {
        id: 'yt',
        type: 'video',
        content: {
          type: 'youtube',
          id: 'dQw4w9WgXcQ',
          url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1',
          areControlsDisplayed: true,
          isAutoplayEnabled: false,
        },
      },
      {
        id: 'vm',
        type: 'video',
        content: {
          type: 'vimeo',
          id: '76979871',
          url: 'https://vimeo.com/76979871',
          areControlsDisplayed: false,
          isAutoplayEnabled: true,
        },
      },
      {
        id: 'mp4',
        type: 'video',
        content: { type: 'url', url: 'https://x.dev/v.mp4', areControlsDisplayed: true, isAutoplayEnabled: false },
      },
      {
        id: 'bad',
        type: 'video',
        content: { type: 'url', url: 'https://x.dev/watch', areControlsDisplayed: true, isAutoplayEnabled: false },
      },
      { id: 'au', type: 'audio', content: { url: 'https://x.dev/a.mp3', isAutoplayEnabled: true } },
      {
        id: 'em',
        type: 'embed',
        content: {
          url: 'https://x.dev/form',
          height: 300,
          waitForEvent: { isEnabled: true, name: 'done', saveDataInVariableId: EMBED_EVENT_DATA_VARIABLE },
        },
      },
    ]);
  });

  it('gives each message its block id, numbered when a block speaks twice', () => {
    const answer = turn({ messages: [text('loop', 'a', '0.0'), text('other', 'b', '0.1'), text('loop', 'c', '0.2')] });
    expect(toTypebotContinueResponse(answer).messages.map((m) => m.id)).toEqual(['loop', 'other', 'loop:2']);
  });
});

describe('client-side actions', () => {
  it('places redirects and waits after the bubble they follow, or before all bubbles', () => {
    const answer = turn({
      messages: [text('b1', 'one'), text('b2', 'two')],
      actions: [
        { type: 'wait', seconds: 2, afterMessageCount: 0 },
        { type: 'wait', seconds: 1.5, afterMessageCount: 1 },
        { type: 'redirect', url: 'https://x.dev', newTab: true, afterMessageCount: 2 },
      ],
    });
    expect(toTypebotContinueResponse(answer).clientSideActions).toEqual([
      { type: 'wait', wait: { secondsToWaitFor: 2 } },
      { type: 'wait', wait: { secondsToWaitFor: 1.5 }, lastBubbleBlockId: 'b1' },
      { type: 'redirect', redirect: { url: 'https://x.dev', isNewTab: true }, lastBubbleBlockId: 'b2' },
    ]);
  });

  it('lists actions and logs like Typebot: always on continue, only when some on start, none on retry', () => {
    const retry = turn({
      messages: [text('email', 'Not valid')],
      input: { type: 'emailInput', blockId: 'email', groupId: 'g', isRetry: true },
    });
    expect(Object.keys(toTypebotContinueResponse(retry))).toEqual(['messages', 'input']);
    expect(Object.keys(toTypebotContinueResponse(turn()))).toEqual(['messages', 'clientSideActions', 'logs']);
    const start = toTypebotResponse(turn(), { sessionToken: TOKEN, typebot: TYPEBOT });
    expect(Object.keys(start)).toEqual(['sessionId', 'resultId', 'typebot', 'messages']);
    // `progress` only when the bot shows a progress bar, as Typebot does.
    expect(toTypebotResponse(turn({ progress: 40 }), { sessionToken: TOKEN, typebot: TYPEBOT })).not.toHaveProperty(
      'progress',
    );
    const shown = { progressBar: true };
    expect(toTypebotResponse(turn({ progress: 40 }), { sessionToken: TOKEN, typebot: TYPEBOT }, shown).progress).toBe(
      40,
    );
    expect(toTypebotContinueResponse(turn({ progress: 40 }), shown).progress).toBe(40);
  });
});

describe('inputs', () => {
  const base = { blockId: 'in', groupId: 'g', isRetry: false } as const;
  const cases: [string, Awaiting, unknown][] = [
    [
      'text',
      { ...base, type: 'textInput', multiline: false, variableId: 'v1', placeholder: 'Your name', buttonLabel: 'Go' },
      {
        id: 'in',
        type: 'text input',
        options: { variableId: 'v1', labels: { placeholder: 'Your name', button: 'Go' } },
      },
    ],
    [
      'long text',
      { ...base, type: 'textInput', multiline: true },
      { id: 'in', type: 'text input', options: { isLong: true } },
    ],
    [
      'number',
      { ...base, type: 'numberInput', min: 1, max: 5, step: 0.5 },
      { id: 'in', type: 'number input', options: { min: 1, max: 5, step: 0.5 } },
    ],
    ['email', { ...base, type: 'emailInput', retryMessage: 'again' }, { id: 'in', type: 'email input' }],
    ['url', { ...base, type: 'urlInput' }, { id: 'in', type: 'url input' }],
    [
      'phone',
      { ...base, type: 'phoneInput', defaultCountryCode: 'BR' },
      { id: 'in', type: 'phone number input', options: { defaultCountryCode: 'BR' } },
    ],
    [
      'date range',
      {
        ...base,
        type: 'dateInput',
        hasTime: false,
        isRange: true,
        rangeSeparator: ' to ',
        fromLabel: 'From',
        min: '2025-01-01',
        format: 'dd/MM/yyyy',
      },
      {
        id: 'in',
        type: 'date input',
        options: { isRange: true, labels: { from: 'From' }, min: '2025-01-01', format: 'dd/MM/yyyy' },
      },
    ],
    ['time', { ...base, type: 'timeInput', format: 'HH:mm' }, { id: 'in', type: 'time input' }],
    [
      'rating 1–5 with icons',
      {
        ...base,
        type: 'ratingInput',
        length: 5,
        startsAt: 1,
        style: 'icons',
        leftLabel: 'Bad',
        oneClickSubmit: true,
      },
      {
        id: 'in',
        type: 'rating input',
        options: {
          buttonType: 'Icons',
          length: 5,
          startsAt: 1,
          labels: { left: 'Bad' },
          isOneClickSubmitEnabled: true,
        },
      },
    ],
    [
      'rating 0–10',
      { ...base, type: 'ratingInput', length: 11, startsAt: 0, style: 'numbers', oneClickSubmit: false },
      { id: 'in', type: 'rating input' },
    ],
    [
      'choice',
      {
        ...base,
        type: 'choiceInput',
        multiple: true,
        searchable: false,
        buttonLabel: 'Send',
        choices: [
          { id: 'c1', label: 'Yes' },
          { id: 'in:dyn:0', label: 'From a list' },
        ],
      },
      {
        id: 'in',
        type: 'choice input',
        options: { isMultipleChoice: true, buttonLabel: 'Send' },
        items: [
          { id: 'c1', content: 'Yes' },
          { id: 'in:dyn:0', content: 'From a list' },
        ],
      },
    ],
    [
      'picture choice',
      {
        ...base,
        type: 'pictureChoiceInput',
        multiple: false,
        searchable: true,
        placeholder: 'Search',
        choices: [{ id: 'p1', pictureUrl: 'https://x.dev/1.png', title: 'One' }],
      },
      {
        id: 'in',
        type: 'picture choice input',
        options: { isSearchable: true, searchInputPlaceholder: 'Search' },
        items: [{ id: 'p1', pictureSrc: 'https://x.dev/1.png', title: 'One' }],
      },
    ],
    [
      'file',
      { ...base, type: 'fileInput', required: false, multiple: true, allowedTypes: ['image/*', '.pdf'] },
      {
        id: 'in',
        type: 'file input',
        options: {
          isRequired: false,
          isMultipleAllowed: true,
          allowedFileTypes: { isEnabled: true, types: ['image/*', '.pdf'] },
        },
      },
    ],
    ['embed event (the bubble listens)', { ...base, type: 'embedEvent', name: 'done' }, undefined],
  ];

  it.each(cases)('%s', (_, awaiting, typebot) => {
    expect(toTypebotInput(awaiting)).toEqual(typebot);
  });
});

describe('turns', () => {
  it('joins the start turn and the answer to its first input, shifting action positions', () => {
    const first = turn({
      messages: [text('b1', 'hi', '0.0')],
      actions: [{ type: 'wait', seconds: 1, afterMessageCount: 1 }],
    });
    const next = turn({
      status: 'completed',
      messages: [text('b2', 'bye', '1.0')],
      actions: [{ type: 'wait', seconds: 2, afterMessageCount: 1 }],
      progress: 100,
    });
    expect(concatTurns(first, next)).toEqual({
      ...next,
      messages: [...first.messages, ...next.messages],
      actions: [
        { type: 'wait', seconds: 1, afterMessageCount: 1 },
        { type: 'wait', seconds: 2, afterMessageCount: 2 },
      ],
    });
  });

  it('answers a resume with no message and the awaited input, none once the session is over', () => {
    const input: Awaiting = { type: 'urlInput', blockId: 'u', groupId: 'g', isRetry: false };
    expect(resumedTurn({ sessionId: SESSION_ID, status: 'active', input, progress: 50 })).toEqual(
      turn({ input, progress: 50 }),
    );
    expect(resumedTurn({ sessionId: SESSION_ID, status: 'handoff', input, progress: 50 }).input).toBeNull();
  });

  it('re-asks the awaited input after its retry message without a message, as Typebot does', () => {
    const input: Awaiting = {
      type: 'urlInput',
      blockId: 'u',
      groupId: 'g',
      isRetry: false,
      retryMessage: 'Not a URL.',
      outgoingEdgeId: 'e',
    };
    const reasked = toTypebotContinueResponse(
      reaskedTurn({ sessionId: SESSION_ID, status: 'active', input, progress: 50 }),
      { textBubbleContentFormat: 'markdown' },
    );
    // A retry's answer: the message and the input, no actions or logs.
    expect(reasked).toEqual({
      messages: [{ id: 'u', type: 'text', content: { type: 'markdown', markdown: 'Not a URL.' } }],
      input: { id: 'u', outgoingEdgeId: 'e', type: 'url input' },
    });
    const silent = reaskedTurn({
      sessionId: SESSION_ID,
      status: 'active',
      input: { ...input, retryMessage: ' ' },
      progress: 5,
    });
    expect(silent.messages).toEqual([]);
    expect(reaskedTurn({ sessionId: SESSION_ID, status: 'completed', input, progress: 100 })).toMatchObject({
      messages: [],
      input: null,
    });
  });
});

describe('progressBarEnabled', () => {
  it("reads Typebot's theme.general.progressBar.isEnabled", () => {
    expect(progressBarEnabled({ general: { progressBar: { isEnabled: true } } })).toBe(true);
    expect(progressBarEnabled({ general: { progressBar: { isEnabled: false } } })).toBe(false);
    expect(progressBarEnabled({ general: null })).toBe(false);
    expect(progressBarEnabled({})).toBe(false);
  });
});

describe('typebotInfoOf', () => {
  it('passes the theme keys the widget reads and maps the settings to Typebot units', () => {
    const info = typebotInfoOf(
      { id: 'bot-1', theme: { general: { font: 'Inter' }, chat: 'not an object', customCss: '.x{}', mine: 1 } },
      {
        publishedAt: new Date('2026-01-01T00:00:00Z'),
        settings: {
          ...defaultChatbotSettings,
          rememberUser: true,
          typingEmulation: { enabled: true, speedCharsPerSecond: 30, maxDelayMs: 2_500 },
        },
      },
    );
    expect(info).toEqual({
      id: 'bot-1',
      version: '6.1',
      theme: { general: { font: 'Inter' }, customCss: '.x{}' },
      settings: {
        general: { isBrandingEnabled: false, rememberUser: { isEnabled: true, storage: 'local' } },
        typingEmulation: { enabled: true, speed: 360, maxDelay: 2.5 },
      },
      publishedAt: '2026-01-01T00:00:00.000Z',
    });
  });
});
