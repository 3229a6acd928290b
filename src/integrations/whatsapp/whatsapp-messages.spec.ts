import type { Awaiting } from '@/executions/engine/engine-types';
import type { ChatMessage } from '@/executions/chat-view';
import {
  clip,
  interactiveOf,
  outboundOfTurn,
  readNotification,
  reasonOfGraphError,
  replyOf,
  templateVariables,
  toWhatsAppText,
} from './whatsapp-messages';

const choiceInput = (labels: string[], extra: Partial<Awaiting> = {}): Awaiting =>
  ({
    type: 'choiceInput',
    multiple: false,
    searchable: false,
    choices: labels.map((label, i) => ({ id: `c${i + 1}`, label })),
    blockId: 'b',
    groupId: 'g',
    isRetry: false,
    ...extra,
  }) as Awaiting;

const text = (id: string, markdown: string): ChatMessage => ({ id, blockId: 'b', type: 'text', markdown });

describe('toWhatsAppText', () => {
  it.each([
    ['**bold** and *italic*', '*bold* and _italic_'],
    ['__bold__ and ~~gone~~', '*bold* and ~gone~'],
    ['# Title\nbody', '*Title*\nbody'],
    ['see [the docs](https://example.com/docs)', 'see the docs (https://example.com/docs)'],
    ['<https://example.com>', '<https://example.com>'],
    ['- one\n- two', '• one\n• two'],
    ['a\n\n\n\nb', 'a\n\nb'],
    ['2 * 3 * 4', '2 * 3 * 4'],
  ])('%j → %j', (markdown, expected) => {
    expect(toWhatsAppText(markdown)).toBe(expected);
  });
});

describe('interactiveOf (Meta limits)', () => {
  it('up to 3 choices are reply buttons with titles cut to 20 characters', () => {
    const message = interactiveOf(choiceInput(['Yes', 'No', 'A very long label for a button']), 'Sure?');
    expect(message).toEqual({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Sure?' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'c1', title: 'Yes' } },
            { type: 'reply', reply: { id: 'c2', title: 'No' } },
            { type: 'reply', reply: { id: 'c3', title: 'A very long label f…' } },
          ],
        },
      },
    });
    for (const b of (message as any).interactive.action.buttons)
      expect([...b.reply.title].length).toBeLessThanOrEqual(20);
  });

  it('buttons whose cut titles would collide become a list', () => {
    const message = interactiveOf(choiceInput(['Technical support A', 'Technical support B!']), 'Which?');
    expect(message).toMatchObject({ type: 'interactive', interactive: { type: 'button' } });
    const colliding = interactiveOf(choiceInput(['Technical support team A', 'Technical support team B']), 'Which?');
    expect(colliding).toMatchObject({ type: 'interactive', interactive: { type: 'list' } });
  });

  it('4 to 10 choices are a list (row titles ≤ 24, one section, the button label ≤ 20)', () => {
    const labels = Array.from({ length: 10 }, (_, i) => `Option number ${i + 1} with a long name`);
    const message = interactiveOf(choiceInput(labels, { buttonLabel: 'Pick one of these options' }), '');
    expect(message).toMatchObject({
      type: 'interactive',
      interactive: { type: 'list', body: { text: 'Please choose:' } },
    });
    const action = (message as any).interactive.action;
    expect([...action.button].length).toBeLessThanOrEqual(20);
    expect(action.sections).toHaveLength(1);
    expect(action.sections[0].rows).toHaveLength(10);
    for (const row of action.sections[0].rows) expect([...row.title].length).toBeLessThanOrEqual(24);
    expect(action.sections[0].rows[0]).toEqual({ id: 'c1', title: 'Option number 1 with a …' });
  });

  it('more than 10 choices, or several to pick, become a text listing them', () => {
    const many = interactiveOf(choiceInput(Array.from({ length: 11 }, (_, i) => `L${i}`)), 'Which?');
    expect(many).toMatchObject({ type: 'text', text: { body: expect.stringContaining('Which?\n\n• L0\n• L1') } });
    const multiple = interactiveOf(choiceInput(['A', 'B'], { multiple: true }), 'Pick');
    expect(multiple).toMatchObject({ type: 'text', text: { body: 'Pick\n\n• A\n• B' } });
  });

  it('picture choices are list rows with descriptions ≤ 72', () => {
    const input = {
      type: 'pictureChoiceInput',
      multiple: false,
      searchable: false,
      choices: [{ id: 'p1', pictureUrl: 'https://x/1.png', title: 'Red', description: 'd'.repeat(100) }],
      blockId: 'b',
      groupId: 'g',
      isRetry: false,
    } as Awaiting;
    const row = (interactiveOf(input, 'Colour?') as any).interactive.action.sections[0].rows[0];
    expect(row.id).toBe('p1');
    expect([...row.description].length).toBe(72);
  });

  it('other inputs need no interactive message', () => {
    expect(
      interactiveOf({ type: 'textInput', multiline: false, blockId: 'b', groupId: 'g', isRetry: false }, 'x'),
    ).toBeUndefined();
  });
});

describe('outboundOfTurn', () => {
  it("sends bubbles in order and folds the last text into the choice input's body", () => {
    const items = outboundOfTurn(
      [
        text('m1', 'Hello'),
        { id: 'm2', blockId: 'b', type: 'image', url: 'https://example.com/a.png', alt: 'A cat' },
        text('m3', 'Which one?'),
      ],
      choiceInput(['A', 'B']),
      'turn-1',
    );
    expect(items.map((i) => [i.key, i.messageId, i.message.type])).toEqual([
      ['m-m1', 'm1', 'text'],
      ['m-m2', 'm2', 'image'],
      ['m-m3', 'm3', 'interactive'],
    ]);
    expect(items[1]!.message).toEqual({
      type: 'image',
      image: { link: 'https://example.com/a.png', caption: 'A cat' },
    });
  });

  it('an input after a media bubble gets its own key; video from a provider is its link', () => {
    const items = outboundOfTurn(
      [
        {
          id: 'v',
          blockId: 'b',
          type: 'video',
          url: 'https://youtu.be/x',
          provider: 'youtube',
          autoplay: false,
          showControls: true,
        },
      ],
      choiceInput(['A']),
      'turn-2',
    );
    expect(items.map((i) => [i.key, i.message.type])).toEqual([
      ['m-v', 'text'],
      ['input-turn-2', 'interactive'],
    ]);
  });

  it('audio and direct video are media by URL; a turn without input sends each bubble', () => {
    const items = outboundOfTurn(
      [
        { id: 'a', blockId: 'b', type: 'audio', url: 'https://x/a.mp3', autoplay: false },
        {
          id: 'v',
          blockId: 'b',
          type: 'video',
          url: 'https://x/v.mp4',
          provider: 'url',
          autoplay: false,
          showControls: true,
        },
        text('t', 'Bye'),
      ],
      null,
      'turn-3',
    );
    expect(items.map((i) => i.message)).toEqual([
      { type: 'audio', audio: { link: 'https://x/a.mp3' } },
      { type: 'video', video: { link: 'https://x/v.mp4' } },
      { type: 'text', text: { body: 'Bye', preview_url: false } },
    ]);
  });
});

describe('readNotification', () => {
  const envelope = (value: Record<string, unknown>) => ({
    object: 'whatsapp_business_account',
    entry: [{ id: 'W', changes: [{ field: 'messages', value: { metadata: { phone_number_id: 'P' }, ...value } }] }],
  });

  it("reads texts, interactive replies and statuses in Meta's format", () => {
    const { messages, statuses } = readNotification(
      envelope({
        contacts: [{ profile: { name: 'Ana' }, wa_id: '15551234567' }],
        messages: [
          { from: '15551234567', id: 'wamid.1', type: 'text', text: { body: 'hi' } },
          {
            from: '15551234567',
            id: 'wamid.2',
            type: 'interactive',
            interactive: { type: 'list_reply', list_reply: { id: 'c2', title: 'Two' } },
          },
          { from: '15551234567', id: 'wamid.3', type: 'image', image: { id: 'media-1', caption: 'look' } },
          { from: '15551234567', id: 'wamid.4', type: 'location', location: { latitude: 1, longitude: 2 } },
        ],
        statuses: [
          { id: 'wamid.9', status: 'failed', errors: [{ code: 131047, title: 'Re-engagement message' }] },
          { id: 'wamid.10', status: 'deleted' },
        ],
      }),
    );
    expect(messages.map((m) => [m.wamid, m.name, m.phoneNumberId, replyOf(m)])).toEqual([
      ['wamid.1', 'Ana', 'P', { text: 'hi' }],
      ['wamid.2', 'Ana', 'P', { value: 'c2' }],
      ['wamid.3', 'Ana', 'P', { text: 'look' }],
      ['wamid.4', 'Ana', 'P', { text: '[location]' }],
    ]);
    expect(statuses).toEqual([
      {
        wamid: 'wamid.9',
        phoneNumberId: 'P',
        status: 'failed',
        error: { code: 131047, title: 'Re-engagement message' },
      },
    ]);
  });

  it('ignores what is not a messages change, and malformed parts', () => {
    expect(readNotification({ entry: [{ changes: [{ field: 'account_update', value: {} }] }] })).toEqual({
      messages: [],
      statuses: [],
    });
    expect(readNotification('nonsense')).toEqual({ messages: [], statuses: [] });
    expect(readNotification(envelope({ messages: [{ id: 'x' }, null, 3] })).messages).toEqual([]);
  });
});

describe('templates and errors', () => {
  it('lists the placeholders of each component', () => {
    expect(
      templateVariables([
        { type: 'HEADER', format: 'TEXT', text: 'Hi {{name}}' },
        { type: 'BODY', text: 'Order {{1}} ships {{2}}; again {{1}}' },
        { type: 'FOOTER', text: 'no vars' },
        { type: 'BUTTONS', buttons: [{ type: 'URL', url: 'https://x/{{1}}' }] },
      ]),
    ).toEqual([
      { component: 'HEADER', names: ['name'] },
      { component: 'BODY', names: ['1', '2'] },
      { component: 'BUTTONS', names: ['1'] },
    ]);
  });

  it("names Meta's error codes", () => {
    expect(reasonOfGraphError(131047)).toBe('whatsapp.reengagement_required');
    expect(reasonOfGraphError(190)).toBe('whatsapp.access_token_invalid');
    expect(reasonOfGraphError(null)).toBe('whatsapp.send_failed');
  });

  it('clips by characters, not UTF-16 units', () => {
    expect(clip('😀😀😀', 2)).toBe('😀…');
    expect(clip('abc', 3)).toBe('abc');
  });
});
