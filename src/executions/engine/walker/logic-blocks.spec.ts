import type { BlockInput, ComparisonOperator } from '@/flows';
import { Conversation, flowOf, scriptedRandom, testContext, text, texts } from '../testing/engine-harness';

const variables = [
  { id: 'age', name: 'Age', type: 'number' as const },
  { id: 'label', name: 'Label' },
];

const ageIs = (operator: ComparisonOperator, value: string) => ({
  comparisons: [{ id: `c-${operator}-${value}`, variableId: 'age', operator, value }],
});

describe('condition', () => {
  const flow = flowOf({
    variables,
    blocks: [
      {
        id: 'cond',
        type: 'condition',
        items: [
          { id: 'old', condition: ageIs('greaterThan', '80') },
          { id: 'adult', condition: ageIs('greaterOrEqual', '18') },
          { id: 'teen', condition: ageIs('greaterOrEqual', '13') },
        ],
      },
      text('next', 'next block'),
    ],
    groups: [
      { id: 'g-old', blocks: [text('t-old', 'old')] },
      { id: 'g-adult', blocks: [text('t-adult', 'adult')] },
      { id: 'g-else', blocks: [text('t-else', 'else')] },
    ],
    edges: [
      [['cond', 'old'], 'g-old'],
      [['cond', 'adult'], 'g-adult'],
    ],
  });

  it.each([
    [90, ['old']],
    [30, ['adult']],
    [15, []], // the first true item has no exit: the path ends
    [5, ['next block']], // nothing true and no else exit: the next block
  ])('age %s → %j', (age, expected) => {
    expect(texts(new Conversation(flow).start({ variables: { Age: age } }))).toEqual(expected);
  });

  it('takes the else exit when nothing is true', () => {
    const withElse = flowOf({
      variables,
      blocks: [
        { id: 'cond', type: 'condition', items: [{ id: 'old', condition: ageIs('greaterThan', '80') }] },
        text('n', 'never'),
      ],
      groups: [{ id: 'g-else', blocks: [text('t-else', 'else')] }],
      edges: [['cond', 'g-else']],
    });
    expect(texts(new Conversation(withElse).start({ variables: { Age: 20 } }))).toEqual(['else']);
  });
});

describe('setVariable', () => {
  it('updates variables seen by later blocks', () => {
    const flow = flowOf({
      variables,
      blocks: [
        {
          id: 's1',
          type: 'setVariable',
          options: { variableId: 'age', operation: { kind: 'expression', expression: '{{Age}} * 2' } },
        },
        {
          id: 's2',
          type: 'setVariable',
          options: { variableId: 'label', operation: { kind: 'system', value: 'today' } },
        },
        text('t', '{{Age}} on {{Label}}'),
      ],
    });
    expect(texts(new Conversation(flow).start({ variables: { Age: '21' } }))).toEqual(['42 on 2025-03-14']);
  });
});

describe('jump and return', () => {
  const flow = flowOf({
    blocks: [text('t1', 'one'), { id: 'j', type: 'jump', options: { groupId: 'sub' } }, text('t3', 'three')],
    groups: [{ id: 'sub', blocks: [text('s1', 'in sub'), { id: 'r', type: 'return' }, text('s2', 'never')] }],
  });

  it('return resumes at the block after the jump', () => {
    const result = new Conversation(flow).start();
    expect(texts(result)).toEqual(['one', 'in sub', 'three']);
    expect(result.nextState.returnStack).toEqual([]);
  });

  it('return without a jump ends the path', () => {
    const alone = flowOf({ blocks: [text('t', 'hi'), { id: 'r', type: 'return' }, text('n', 'never')] });
    const result = new Conversation(alone).start();
    expect(texts(result)).toEqual(['hi']);
    expect(result.status).toBe('completed');
  });

  it('a jump that is the last block resumes at its exit', () => {
    const last = flowOf({
      blocks: [{ id: 'j', type: 'jump', options: { groupId: 'sub' } }],
      groups: [
        { id: 'sub', blocks: [text('s', 'sub'), { id: 'r', type: 'return' }] },
        { id: 'after', blocks: [text('a', 'after')] },
      ],
      edges: [['j', 'after']],
    });
    expect(texts(new Conversation(last).start())).toEqual(['sub', 'after']);
  });

  it('jumps to a block inside a group, and a path end also resumes the mark', () => {
    const inside = flowOf({
      blocks: [{ id: 'j', type: 'jump', options: { groupId: 'sub', blockId: 's2' } }, text('back', 'back')],
      groups: [{ id: 'sub', blocks: [text('s1', 'skipped'), text('s2', 'second')] }],
    });
    expect(texts(new Conversation(inside).start())).toEqual(['second', 'back']);
  });

  it('nested jumps return in order (a call stack)', () => {
    const nested = flowOf({
      blocks: [{ id: 'j1', type: 'jump', options: { groupId: 'a' } }, text('end', 'main again')],
      groups: [
        {
          id: 'a',
          blocks: [
            text('a1', 'in a'),
            { id: 'j2', type: 'jump', options: { groupId: 'b' } },
            text('a2', 'back in a'),
            { id: 'ra', type: 'return' },
          ],
        },
        { id: 'b', blocks: [text('b1', 'in b'), { id: 'rb', type: 'return' }] },
      ],
    });
    expect(texts(new Conversation(nested).start())).toEqual(['in a', 'in b', 'back in a', 'main again']);
  });

  it('keeps the call stack across turns', () => {
    const withInput = flowOf({
      variables,
      blocks: [{ id: 'j', type: 'jump', options: { groupId: 'ask' } }, text('t', 'Thanks {{Label}}')],
      groups: [
        {
          id: 'ask',
          blocks: [
            { id: 'in', type: 'textInput', options: { variableId: 'label' } },
            { id: 'r', type: 'return' },
          ],
        },
      ],
    });
    const c = new Conversation(withInput);
    expect(c.start().nextState.returnStack).toEqual([{ kind: 'goto', target: { groupId: 'main', blockId: 't' } }]);
    expect(texts(c.reply('Ann'))).toEqual(['Thanks Ann']);
  });

  it('logs a jump to an unknown group and goes on', () => {
    const broken = flowOf({ blocks: [{ id: 'j', type: 'jump', options: { groupId: 'nope' } }, text('t', 'went on')] });
    const result = new Conversation(broken).start();
    expect(texts(result)).toEqual(['went on']);
    expect(result.log.find((s) => s.blockId === 'j')).toMatchObject({ outcome: 'error' });
  });
});

describe('abSplit', () => {
  const flow = flowOf({
    blocks: [
      {
        id: 'ab',
        type: 'abSplit',
        options: { aPercent: 30 },
        items: [
          { id: 'pa', path: 'a' },
          { id: 'pb', path: 'b' },
        ],
      },
    ],
    groups: [
      { id: 'ga', blocks: [text('ta', 'A')] },
      { id: 'gb', blocks: [text('tb', 'B')] },
    ],
    edges: [
      [['ab', 'pa'], 'ga'],
      [['ab', 'pb'], 'gb'],
    ],
  });
  const run = (random: number) =>
    texts(new Conversation(flow, testContext({ random: scriptedRandom([random]) })).start());

  it('draws from the injected random source against aPercent', () => {
    expect(run(0)).toEqual(['A']);
    expect(run(0.299)).toEqual(['A']);
    expect(run(0.3)).toEqual(['B']);
    expect(run(0.99)).toEqual(['B']);
  });

  it('is deterministic for the same random source', () => {
    const draws = [0.1, 0.7, 0.2, 0.9, 0.5];
    expect(draws.map(run)).toEqual(draws.map(run));
    expect(draws.map(run)).toEqual([['A'], ['B'], ['A'], ['B'], ['B']]);
  });
});

describe('wait and redirect', () => {
  const blocks: BlockInput[] = [
    text('t1', 'before'),
    { id: 'w', type: 'wait', options: { seconds: 3 } },
    text('t2', 'after wait'),
    { id: 'rd', type: 'redirect', options: { url: 'https://parley.dev/{{Label}}', newTab: true } },
    text('t3', 'after redirect'),
  ];

  it('wait is an awaited effect; redirect a client-side action the walk does not wait for', () => {
    const c = new Conversation(flowOf({ variables, blocks }));
    const first = c.start({ variables: { Label: 'docs' } });
    expect(texts(first)).toEqual(['before']);
    expect(first.status).toBe('awaiting_effect');
    expect(first.effects).toEqual([
      {
        kind: 'wait',
        awaitsResult: true,
        seconds: 3,
        effectId: 'w#1',
        blockId: 'w',
        groupId: 'main',
        afterMessageCount: 1,
      },
    ]);
    expect(first.nextState.pendingEffectIds).toEqual(['w#1']);
    const second = c.effect('ok');
    expect(texts(second)).toEqual(['after wait', 'after redirect']);
    expect(second.effects).toEqual([
      expect.objectContaining({
        kind: 'redirect',
        awaitsResult: false,
        url: 'https://parley.dev/docs',
        newTab: true,
        afterMessageCount: 1,
      }),
    ]);
    expect(second.status).toBe('completed');
  });

  it('a wait of 0 seconds is skipped', () => {
    const c = new Conversation(
      flowOf({ blocks: [{ id: 'w', type: 'wait', options: { seconds: 0 } }, text('t', 'now')] }),
    );
    expect(texts(c.start())).toEqual(['now']);
  });
});

describe('end, handoff and unsupported', () => {
  it('end finishes the conversation; later blocks never run', () => {
    const result = new Conversation(
      flowOf({ blocks: [text('t', 'bye'), { id: 'end', type: 'end' }, text('n', 'never')] }),
    ).start();
    expect(texts(result)).toEqual(['bye']);
    expect(result).toMatchObject({ status: 'completed', nextState: { completed: true, endedBy: 'end' } });
  });

  it('handoff says its message, asks for a human and stops the bot', () => {
    const c = new Conversation(
      flowOf({
        blocks: [
          { id: 'h', type: 'handoff', options: { departmentId: 'sales', message: 'Connecting you…' } },
          text('n', 'never'),
        ],
      }),
    );
    const result = c.start();
    expect(texts(result)).toEqual(['Connecting you…']);
    expect(result.status).toBe('handoff');
    expect(result.awaiting).toBeNull();
    expect(result.effects).toEqual([
      expect.objectContaining({
        kind: 'handoff',
        awaitsResult: false,
        departmentId: 'sales',
        message: 'Connecting you…',
      }),
    ]);
    const after = c.reply('hello?');
    expect(after.error?.code).toBe('engine.session_ended');
    expect(after.status).toBe('handoff');
  });

  it('unsupported blocks are logged as errors and skipped', () => {
    const result = new Conversation(
      flowOf({
        blocks: [
          { id: 'u', type: 'unsupported', options: { originalType: 'Google Sheets', reason: 'not supported' } },
          text('t', 'went on'),
        ],
      }),
    ).start();
    expect(texts(result)).toEqual(['went on']);
    expect(result.log.find((s) => s.blockId === 'u')).toMatchObject({ outcome: 'error', kind: 'unsupported' });
  });
});
