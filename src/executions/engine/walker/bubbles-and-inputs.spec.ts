import { INPUT_BLOCK_TYPES, type BlockInput } from '@/flows';
import { Conversation, flowOf, text, texts } from '../testing/engine-harness';

const variables = [
  { id: 'name', name: 'Name' },
  { id: 'answer', name: 'Answer' },
  { id: 'count', name: 'Count', type: 'number' as const },
  { id: 'picked', name: 'Picked', type: 'list' as const },
];

describe('bubbles', () => {
  it('text substitutes variables and keeps markdown; blank text is skipped', () => {
    const c = new Conversation(
      flowOf({ variables, blocks: [text('t1', 'Hi **{{Name}}**'), text('t2', '{{Answer}}'), text('t3', 'Bye')] }),
    );
    const result = c.start({ variables: { Name: 'Jane' } });
    expect(result.messages).toEqual([
      { type: 'text', blockId: 't1', markdown: 'Hi **Jane**' },
      { type: 'text', blockId: 't3', markdown: 'Bye' },
    ]);
    expect(result.log.find((s) => s.blockId === 't2')?.outcome).toBe('skipped');
    expect(result.status).toBe('completed');
  });

  it('image, video, audio and embed send media with resolved URLs', () => {
    const blocks: BlockInput[] = [
      {
        id: 'img',
        type: 'image',
        options: {
          url: 'https://cdn/{{Name}}.png',
          alt: 'Photo of {{Name}}',
          clickLink: { url: 'https://x/{{Name}}' },
        },
      },
      { id: 'vid', type: 'video', options: { url: 'https://youtu.be/abc', provider: 'youtube' } },
      { id: 'aud', type: 'audio', options: { url: 'https://cdn/a.mp3', autoplay: false } },
      { id: 'emb', type: 'embed', options: { url: 'https://cal.com/{{Name}}', heightPx: 500 } },
    ];
    const result = new Conversation(flowOf({ variables, blocks })).start({ variables: { Name: 'jane' } });
    expect(result.messages).toEqual([
      {
        type: 'image',
        blockId: 'img',
        url: 'https://cdn/jane.png',
        alt: 'Photo of jane',
        clickLink: { url: 'https://x/jane' },
      },
      {
        type: 'video',
        blockId: 'vid',
        url: 'https://youtu.be/abc',
        provider: 'youtube',
        autoplay: false,
        showControls: true,
      },
      { type: 'audio', blockId: 'aud', url: 'https://cdn/a.mp3', autoplay: false },
      { type: 'embed', blockId: 'emb', url: 'https://cal.com/jane', heightPx: 500 },
    ]);
  });

  it('an embed waiting for an event pauses and saves the posted data', () => {
    const c = new Conversation(
      flowOf({
        variables,
        blocks: [
          {
            id: 'emb',
            type: 'embed',
            options: { url: 'https://cal.com/x', waitForEvent: { name: 'booked', saveDataInVariableId: 'answer' } },
          },
          text('after', 'Booked: {{Answer}}'),
        ],
      }),
    );
    const first = c.start();
    expect(first.awaiting).toMatchObject({ type: 'embedEvent', name: 'booked', blockId: 'emb' });
    expect(first.messages[0]).toMatchObject({ type: 'embed', waitForEvent: 'booked' });
    expect(texts(c.reply({ value: 'slot-42' }))).toEqual(['Booked: slot-42']);
  });
});

/** One valid reply per input type, and what it saves. */
const INPUTS: [BlockInput, string | { value?: unknown; fileUrls?: string[] }, unknown, string?][] = [
  [{ id: 'in', type: 'textInput', options: { variableId: 'answer' } }, 'hello', 'hello'],
  [{ id: 'in', type: 'numberInput', options: { variableId: 'count' } }, '42', 42],
  [{ id: 'in', type: 'emailInput', options: { variableId: 'answer' } }, 'a@b.co', 'a@b.co'],
  [
    { id: 'in', type: 'phoneInput', options: { variableId: 'answer', defaultCountryCode: 'FR' } },
    '0612345678',
    '+33612345678',
  ],
  [{ id: 'in', type: 'urlInput', options: { variableId: 'answer' } }, 'https://x.io', 'https://x.io'],
  [{ id: 'in', type: 'dateInput', options: { variableId: 'answer' } }, '2025-05-01', '2025-05-01'],
  [{ id: 'in', type: 'timeInput', options: { variableId: 'answer' } }, '10:15', '10:15'],
  [{ id: 'in', type: 'ratingInput', options: { variableId: 'count' } }, '7', 7],
  [
    { id: 'in', type: 'choiceInput', options: { variableId: 'answer' }, items: [{ id: 'it', label: 'Blue' }] },
    'blue',
    'Blue',
    'it',
  ],
  [
    {
      id: 'in',
      type: 'pictureChoiceInput',
      options: { variableId: 'answer' },
      items: [{ id: 'it', pictureUrl: 'https://p/1.png', title: 'One' }],
    },
    { value: 'it' },
    'One',
    'it',
  ],
  [
    { id: 'in', type: 'fileInput', options: { variableId: 'answer' } },
    { fileUrls: ['https://f/1.pdf'] },
    'https://f/1.pdf',
  ],
];

describe('inputs', () => {
  it('cover every input block type', () => {
    expect(new Set(INPUTS.map(([b]) => b.type))).toEqual(new Set(INPUT_BLOCK_TYPES));
  });

  it.each(INPUTS.map(([block, reply, saved, itemId]) => ({ block, reply, saved, itemId })))(
    '$block.type waits, validates and saves',
    ({ block, reply, saved, itemId }) => {
      const exits: [string | [string, string], string][] = itemId ? [[['in', itemId], 'next']] : [['in', 'next']];
      const c = new Conversation(
        flowOf({ variables, blocks: [block], groups: [{ id: 'next', blocks: [text('done', 'done')] }], edges: exits }),
      );
      const first = c.start();
      expect(first.status).toBe('awaiting_input');
      expect(first.awaiting).toMatchObject({ type: block.type, blockId: 'in', groupId: 'main', isRetry: false });
      const second = c.reply(reply);
      expect(texts(second)).toEqual(['done']);
      expect(second.nextState.answers.in).toMatchObject({ blockId: 'in', inputType: block.type, value: saved });
      const variableId = (block.options as { variableId: string }).variableId;
      expect(second.nextState.variables[variableId]).toEqual(saved);
      expect(second.status).toBe('completed');
    },
  );

  it('a single-select choice takes the chosen item exit, else the block exit', () => {
    const flow = flowOf({
      variables,
      blocks: [
        {
          id: 'in',
          type: 'choiceInput',
          items: [
            { id: 'a', label: 'A' },
            { id: 'b', label: 'B' },
          ],
        },
      ],
      groups: [
        { id: 'ga', blocks: [text('ta', 'went A')] },
        { id: 'gelse', blocks: [text('te', 'went else')] },
      ],
      edges: [
        [['in', 'a'], 'ga'],
        ['in', 'gelse'],
      ],
    });
    const a = new Conversation(flow);
    a.start();
    expect(texts(a.reply('A'))).toEqual(['went A']);
    const b = new Conversation(flow);
    b.start();
    expect(texts(b.reply('b'))).toEqual(['went else']);
  });

  it('a multi-select saves a list in a list variable and leaves by the block exit', () => {
    const c = new Conversation(
      flowOf({
        variables,
        blocks: [
          {
            id: 'in',
            type: 'choiceInput',
            options: { variableId: 'picked', multiple: true },
            items: [
              { id: 'a', label: 'A' },
              { id: 'b', label: 'B' },
            ],
          },
          text('t', 'You picked {{Picked}}'),
        ],
        edges: [],
      }),
    );
    const first = c.start();
    expect(first.awaiting).toMatchObject({
      type: 'choiceInput',
      multiple: true,
      choices: [
        { id: 'a', label: 'A' },
        { id: 'b', label: 'B' },
      ],
    });
    expect(texts(c.reply({ value: ['b', 'a'] }))).toEqual(['You picked ["B","A"]']);
  });

  it('describes inputs with resolved templates', () => {
    const c = new Conversation(
      flowOf({
        variables,
        blocks: [
          {
            id: 'in',
            type: 'numberInput',
            options: {
              variableId: 'count',
              placeholder: 'Hi {{Name}}',
              buttonLabel: 'Go',
              min: 1,
              max: 9,
              retryMessage: 'Between 1 and 9, {{Name}}',
            },
          },
        ],
      }),
    );
    expect(c.start({ variables: { Name: 'Jo' } }).awaiting).toEqual({
      type: 'numberInput',
      blockId: 'in',
      groupId: 'main',
      variableId: 'count',
      placeholder: 'Hi Jo',
      buttonLabel: 'Go',
      retryMessage: 'Between 1 and 9, Jo',
      min: 1,
      max: 9,
      isRetry: false,
    });
  });
});
