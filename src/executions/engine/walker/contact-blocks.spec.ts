import { Conversation, flowOf, testContext, text, texts } from '../testing/engine-harness';

const contact = { name: 'Ada', email: 'ada@example.com', lifecycleStage: 'customer', leadScore: 7, plan: 'pro' };

describe('{{contact.*}}', () => {
  const flow = flowOf({
    variables: [{ id: 'plan', name: 'Plan' }],
    blocks: [
      text('t1', 'Hi {{contact.name}} <{{contact.email}}>, {{contact.lifecycleStage}} {{contact.leadScore}}'),
      text('t2', 'plan={{contact.plan}} phone=[{{contact.phone}}] {{= {{contact.leadScore}} + 1 =}}'),
      {
        id: 'set',
        type: 'setVariable',
        options: { variableId: 'plan', operation: { kind: 'expression', expression: '{{contact.plan}}' } },
      },
      {
        id: 'cond',
        type: 'condition',
        items: [
          {
            id: 'c1',
            condition: { comparisons: [{ id: 'k1', variableId: 'plan', operator: 'equals', value: 'pro' }] },
          },
        ],
      },
      text('t3', 'not pro'),
    ],
    groups: [{ id: 'pro', blocks: [text('t4', 'pro {{Plan}}')] }],
    edges: [[['cond', 'c1'], 'pro']],
  });

  it('reads the contact values given in the context, in templates, expressions and conditions', () => {
    const result = new Conversation(flow, testContext({ contact })).start();
    expect(texts(result)).toEqual(['Hi Ada <ada@example.com>, customer 7', 'plan=pro phone=[] 8', 'pro pro']);
  });

  it('prints empty without a contact', () => {
    const result = new Conversation(flow).start();
    expect(texts(result)).toEqual(['Hi  <>,  ', 'plan= phone=[]  + 1', 'not pro']);
  });

  it('lets a variable of that very name win', () => {
    const own = flowOf({
      variables: [{ id: 'v', name: 'contact.name', defaultValue: 'mine' }],
      blocks: [text('t', '{{contact.name}}')],
    });
    expect(texts(new Conversation(own, testContext({ contact })).start())).toEqual(['mine']);
  });
});

describe('updateContact', () => {
  const flow = flowOf({
    variables: [
      { id: 'email', name: 'Email' },
      { id: 'score', name: 'Score', type: 'number' },
    ],
    blocks: [
      {
        id: 'uc',
        type: 'updateContact',
        options: {
          fields: [
            { field: 'email', value: '{{Email}}' },
            { field: 'leadScore', value: '{{Score}}' },
            { field: 'attribute', attributeKey: ' plan ', value: 'pro-{{Email}}' },
          ],
        },
      },
      text('after', 'done {{contact.email}}'),
    ],
  });

  it('comes back as an awaited effect with its templates resolved (a single reference keeps its type)', () => {
    const result = new Conversation(flow).start({ variables: { Email: 'a@b.co', Score: 5 } });
    expect(result.status).toBe('awaiting_effect');
    expect(result.effects).toEqual([
      {
        kind: 'updateContact',
        awaitsResult: true,
        effectId: 'uc#1',
        blockId: 'uc',
        groupId: 'main',
        afterMessageCount: 0,
        fields: [
          { field: 'email', value: 'a@b.co' },
          { field: 'leadScore', value: 5 },
          { field: 'attribute', attributeKey: 'plan', value: 'pro-a@b.co' },
        ],
      },
    ]);
  });

  it('goes on after an ok result, reading the contact the next call is given', () => {
    const conversation = new Conversation(flow);
    conversation.start({ variables: { Email: 'a@b.co' } });
    const next = new Conversation(flow, testContext({ contact: { email: 'a@b.co' } }));
    next.state = conversation.state;
    next.last = conversation.last;
    const result = next.effect('ok');
    expect(texts(result)).toEqual(['done a@b.co']);
    expect(result.log.find((s) => s.blockId === 'uc')).toMatchObject({ outcome: 'ok' });
  });

  it('logs an error step and goes on when the service refuses the values', () => {
    const conversation = new Conversation(flow);
    conversation.start({ variables: { Email: 'nope' } });
    const result = conversation.effect('error', undefined, 'email: email must be an email address');
    expect(result.log.find((s) => s.blockId === 'uc')).toMatchObject({
      outcome: 'error',
      error: 'email: email must be an email address',
    });
    expect(texts(result)).toEqual(['done ']);
  });

  it('is skipped with an error when it sets nothing', () => {
    const empty = flowOf({ blocks: [{ id: 'uc', type: 'updateContact', options: {} }, text('after', 'on')] });
    const result = new Conversation(empty).start();
    expect(result.log.find((s) => s.blockId === 'uc')).toMatchObject({
      blockId: 'uc',
      outcome: 'error',
      error: 'no contact field to set',
    });
    expect(texts(result)).toEqual(['on']);
  });
});
