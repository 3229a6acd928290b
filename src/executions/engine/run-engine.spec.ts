import { describeAwaiting } from './describe-awaiting';
import { runEngine } from './run-engine';
import { handoffPositionOf, parseSessionState, requiredFlowRefs, type SessionState } from './session-state';
import { Conversation, FIXED_NOW, flowOf, testContext, text, texts } from './testing/engine-harness';

const variables = [
  { id: 'email', name: 'Email' },
  { id: 'content', name: 'Content' },
  { id: 'input-name', name: 'Input name' },
  { id: 'input-type', name: 'Input type' },
  { id: 'score', name: 'Score', type: 'number' as const, defaultValue: 0 },
];

const emailFlow = (extra: Parameters<typeof flowOf>[0] = { blocks: [] }) =>
  flowOf({
    ...extra,
    variables,
    blocks: [
      text('ask', 'Your email?'),
      {
        id: 'in',
        type: 'emailInput',
        options: { variableId: 'email', retryMessage: 'Hmm, {{Content}} is not an email.' },
      },
      text('thanks', 'Thanks, {{Email}}'),
    ],
  });

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('start', () => {
  it('prefills variables by name or id, coerced to their type, and keeps defaults', () => {
    const flow = flowOf({ variables, blocks: [text('t', '{{Email}} {{Score}} {{Content}}')] });
    const result = new Conversation(flow).start({ variables: { Email: 'a@b.co', content: 'by id', Unknown: 'x' } });
    expect(texts(result)).toEqual(['a@b.co 0 by id']);
  });

  it('can start at a group or from another event', () => {
    const flow = flowOf({
      blocks: [text('t', 'main')],
      groups: [{ id: 'other', blocks: [text('o', 'other')] }],
      events: [{ id: 'cmd', type: 'command', command: 'other' }],
      edges: [[{ eventId: 'cmd' }, 'other']],
    });
    expect(texts(new Conversation(flow).start({ startGroupId: 'other' }))).toEqual(['other']);
    expect(texts(new Conversation(flow).start({ startEventId: 'cmd' }))).toEqual(['other']);
  });

  it('completes at once when the start event leads nowhere', () => {
    const result = runEngine(flowOf({ blocks: [] }), undefined, { type: 'start' }, testContext());
    expect(result).toMatchObject({
      status: 'completed',
      messages: [],
      awaiting: null,
      nextState: { completed: true, endedBy: 'flow' },
    });
  });
});

describe('invalid replies', () => {
  it('answer the retry message and ask the same input again, counting retries', () => {
    const c = new Conversation(emailFlow());
    c.start();
    const bad = c.reply('nope');
    expect(texts(bad)).toEqual(['Hmm,  is not an email.']);
    expect(bad.awaiting).toMatchObject({ blockId: 'in', isRetry: true });
    expect(bad.nextState.retries).toEqual({ in: 1 });
    expect(bad.log).toEqual([
      { blockId: 'in', groupId: 'main', kind: 'emailInput', outcome: 'invalid', error: 'not an email address' },
      { blockId: 'in', groupId: 'main', kind: 'emailInput', outcome: 'awaiting_input' },
    ]);
    expect(c.reply('still nope').nextState.retries).toEqual({ in: 2 });
    const good = c.reply('me@x.io');
    expect(texts(good)).toEqual(['Thanks, me@x.io']);
    expect(good.nextState.retries).toEqual({});
  });

  it('take the invalidReply path when the flow has one, and return asks again', () => {
    const c = new Conversation(
      emailFlow({
        blocks: [],
        groups: [
          {
            id: 'oops',
            blocks: [text('o', '"{{Content}}" from {{Input name}} ({{Input type}})'), { id: 'r', type: 'return' }],
          },
        ],
        events: [
          {
            id: 'bad',
            type: 'invalidReply',
            contentVariableId: 'content',
            inputNameVariableId: 'input-name',
            inputTypeVariableId: 'input-type',
          },
        ],
        edges: [[{ eventId: 'bad' }, 'oops']],
      }),
    );
    c.start();
    const bad = c.reply('nope');
    expect(texts(bad)).toEqual(['"nope" from in (emailInput)']);
    expect(bad.awaiting).toMatchObject({ blockId: 'in', isRetry: false });
    expect(bad.log.map((s) => `${s.kind}:${s.outcome}`)).toEqual([
      'emailInput:invalid',
      'event:invalidReply:ok',
      'text:ok',
      'return:ok',
      'emailInput:awaiting_input',
    ]);
    expect(texts(c.reply('me@x.io'))).toEqual(['Thanks, me@x.io']);
  });
});

describe('reply event', () => {
  const flow = (filter?: { operator: 'contains'; value: string }) =>
    emailFlow({
      blocks: [],
      groups: [{ id: 'spy', blocks: [text('s', 'Heard "{{Content}}"'), { id: 'r', type: 'return' }] }],
      events: [{ id: 'every', type: 'reply', contentVariableId: 'content', ...(filter ? { filter } : {}) }],
      edges: [[{ eventId: 'every' }, 'spy']],
    });

  it('runs first, then return hands the reply to the input', () => {
    const c = new Conversation(flow());
    c.start();
    expect(texts(c.reply('me@x.io'))).toEqual(['Heard "me@x.io"', 'Thanks, me@x.io']);
  });

  it('a filtered reply event only runs for matching replies', () => {
    const c = new Conversation(flow({ operator: 'contains', value: 'help' }));
    c.start();
    expect(texts(c.reply('help me'))).toEqual(['Heard "help me"', 'Hmm, help me is not an email.']);
    expect(texts(c.reply('me@x.io'))).toEqual(['Thanks, me@x.io']);
  });
});

describe('idle and command events', () => {
  const flow = emailFlow({
    blocks: [],
    groups: [
      { id: 'still', blocks: [text('i', 'Are you still there?'), { id: 'r', type: 'return' }] },
      { id: 'human', blocks: [{ id: 'h', type: 'handoff', options: { message: 'Getting a human' } }] },
      { id: 'help', blocks: [text('hp', 'Type your email.'), { id: 'r2', type: 'return' }] },
    ],
    events: [
      { id: 'idle', type: 'idle', timeoutSeconds: 60 },
      { id: 'cmd-human', type: 'command', command: 'human' },
      { id: 'cmd-help', type: 'command', command: 'help' },
    ],
    edges: [
      [{ eventId: 'idle' }, 'still'],
      [{ eventId: 'cmd-human' }, 'human'],
      [{ eventId: 'cmd-help' }, 'help'],
    ],
  });

  it('announces the idle timeout, runs the idle flow once, and asks again', () => {
    const c = new Conversation(flow);
    expect(c.start().awaiting?.idleTimeoutSeconds).toBe(60);
    const idle = c.idle();
    expect(texts(idle)).toEqual(['Are you still there?']);
    expect(idle.awaiting).toMatchObject({ blockId: 'in' });
    expect(idle.awaiting?.idleTimeoutSeconds).toBeUndefined();
    expect(c.idle().error?.code).toBe('engine.no_idle_event');
    expect(texts(c.reply('me@x.io'))).toEqual(['Thanks, me@x.io']);
  });

  it('runs a command flow; return resumes the input', () => {
    const c = new Conversation(flow);
    c.start();
    const help = c.command('/HELP');
    expect(texts(help)).toEqual(['Type your email.']);
    expect(help.awaiting).toMatchObject({ blockId: 'in' });
    expect(c.command('human')).toMatchObject({ status: 'handoff', nextState: { endedBy: 'handoff' } });
  });

  it('rejects unknown commands without changing the state', () => {
    const c = new Conversation(flow);
    const started = c.start();
    const result = c.command('dance');
    expect(result.error?.code).toBe('engine.unknown_command');
    expect(result.nextState).toEqual(started.nextState);
    expect(result.awaiting).toEqual(started.awaiting);
  });

  it('rejects an idle timeout when the flow has no idle event', () => {
    const c = new Conversation(emailFlow());
    c.start();
    expect(c.idle().error?.code).toBe('engine.no_idle_event');
  });
});

describe('runaway loops', () => {
  it('stop at the block budget with a clear error and end the session', () => {
    const loop = flowOf({
      variables,
      blocks: [
        {
          id: 'inc',
          type: 'setVariable',
          options: { variableId: 'score', operation: { kind: 'expression', expression: '{{Score}} + 1' } },
        },
      ],
      groups: [{ id: 'again', blocks: [{ id: 'j', type: 'jump', options: { groupId: 'main' } }] }],
      edges: [['inc', 'again']],
    });
    const result = runEngine(loop, undefined, { type: 'start' }, testContext({ limits: { maxBlocksPerTurn: 50 } }));
    expect(result.error).toEqual({
      code: 'engine.loop_limit',
      message: 'the flow ran 50 blocks without waiting for the visitor (a loop?); the session was ended',
    });
    expect(result.status).toBe('completed');
    expect(result.nextState).toMatchObject({ completed: true, endedBy: 'error', variables: { score: 25 } });
    expect(result.log.at(-1)).toMatchObject({ outcome: 'error' });
    expect(result.nextState.returnStack).toEqual([]);
  });
});

describe('state', () => {
  it('is plain JSON that parses back, and the given state is never mutated', () => {
    const c = new Conversation(emailFlow());
    const started = c.start();
    const frozen = deepFreeze(JSON.parse(JSON.stringify(started.nextState)) as SessionState);
    const next = runEngine(c.flow, frozen, { type: 'reply', text: 'me@x.io' }, testContext());
    expect(texts(next)).toEqual(['Thanks, me@x.io']);
    expect(parseSessionState(JSON.parse(JSON.stringify(next.nextState)))).toEqual({ ok: true, state: next.nextState });
    expect(next.nextState).toMatchObject({
      stateVersion: 1,
      startedAt: FIXED_NOW.toISOString(),
      answers: {
        in: {
          blockId: 'in',
          groupId: 'main',
          inputType: 'emailInput',
          variableId: 'email',
          value: 'me@x.io',
          answeredAt: FIXED_NOW.toISOString(),
        },
      },
    });
    expect(parseSessionState({ ...next.nextState, stateVersion: 2 }).ok).toBe(false);
  });

  it('gives the same result for the same inputs', () => {
    const run = () => {
      const c = new Conversation(emailFlow());
      c.start();
      c.reply('bad');
      return c.reply('me@x.io');
    };
    expect(run()).toEqual(run());
  });

  it('describeAwaiting re-derives what a stored session waits for', () => {
    const c = new Conversation(emailFlow());
    const started = c.start();
    expect(describeAwaiting(c.flow, started.nextState)).toEqual(started.awaiting);
    expect(requiredFlowRefs(started.nextState)).toEqual([]);
  });

  it('rejects inputs that do not fit the state', () => {
    const flow = emailFlow();
    expect(runEngine(flow, undefined, { type: 'reply', text: 'x' }, testContext()).error?.code).toBe(
      'engine.no_session',
    );
    const c = new Conversation(flow);
    const started = c.start();
    const lost = runEngine(flowOf({ blocks: [] }), started.nextState, { type: 'reply', text: 'x' }, testContext());
    expect(lost.error?.code).toBe('engine.position_lost');
    const wrongVersion = { ...started.nextState, stateVersion: 9 } as unknown as SessionState;
    expect(runEngine(flow, wrongVersion, { type: 'reply', text: 'x' }, testContext()).error?.code).toBe(
      'engine.state_version',
    );
    const done = c.reply('me@x.io');
    expect(done.status).toBe('completed');
    expect(c.reply('again').error?.code).toBe('engine.session_ended');
    expect(c.send({ type: 'effectResult', effectId: 'x', outcome: 'ok' }).error?.code).toBe('engine.session_ended');
  });
});

describe('hand-back (resume)', () => {
  const handoff = (id: string, message?: string): Parameters<typeof flowOf>[0]['blocks'][number] => ({
    id,
    type: 'handoff',
    options: message !== undefined ? { message } : {},
  });
  const emailInput = { id: 'in', type: 'emailInput' as const, options: { variableId: 'email' } };
  const handoffFlow = flowOf({
    variables,
    blocks: [text('a', 'Before'), handoff('h', 'A human will answer'), text('b', 'Back with the bot'), emailInput],
    groups: [{ id: 'other', blocks: [text('o', 'Other group')] }],
  });

  function handedOff(flow = handoffFlow): Conversation {
    const c = new Conversation(flow);
    expect(c.start().status).toBe('handoff');
    return c;
  }

  it('records where the handoff happened', () => {
    const c = new Conversation(handoffFlow);
    const result = c.start();
    expect(texts(result)).toEqual(['Before', 'A human will answer']);
    expect(result.nextState).toMatchObject({
      completed: true,
      endedBy: 'handoff',
      handoff: { groupId: 'main', blockId: 'h' },
    });
    expect(handoffPositionOf(result.nextState)).toEqual({ groupId: 'main', blockId: 'h' });
    expect(parseSessionState(JSON.parse(JSON.stringify(result.nextState)))).toEqual({
      ok: true,
      state: result.nextState,
    });
  });

  it('continues at the block after the handoff block, live again', () => {
    const c = handedOff();
    const resumed = c.resume();
    expect(resumed.error).toBeUndefined();
    expect(texts(resumed)).toEqual(['Back with the bot']);
    expect(resumed.status).toBe('awaiting_input');
    expect(resumed.awaiting).toMatchObject({ blockId: 'in', type: 'emailInput' });
    expect(resumed.nextState).toMatchObject({ completed: false, endedBy: null, handoff: null });
    expect(handoffPositionOf(resumed.nextState)).toBeNull();
    expect(resumed.log.map((s) => s.blockId)).toEqual(['b', 'in']);
    expect(c.reply('me@x.io')).toMatchObject({ status: 'completed', nextState: { endedBy: 'flow' } });
  });

  it('continues at the first block of a chosen group', () => {
    const c = handedOff();
    const resumed = c.resume('other');
    expect(texts(resumed)).toEqual(['Other group']);
    expect(resumed).toMatchObject({
      status: 'completed',
      nextState: { completed: true, endedBy: 'flow', handoff: null },
    });
  });

  it('follows the outgoing edge of a handoff block that is last in its group', () => {
    const c = handedOff(
      flowOf({
        variables,
        blocks: [text('a', 'Before'), handoff('h')],
        groups: [{ id: 'after', blocks: [text('n', 'Next group'), emailInput] }],
        edges: [['h', 'after']],
      }),
    );
    const resumed = c.resume();
    expect(texts(resumed)).toEqual(['Next group']);
    expect(resumed.awaiting).toMatchObject({ blockId: 'in', groupId: 'after' });
  });

  it('completes when nothing follows the handoff block', () => {
    const c = handedOff(flowOf({ blocks: [text('a', 'Before'), handoff('h')] }));
    const resumed = c.resume();
    expect(resumed).toMatchObject({
      status: 'completed',
      messages: [],
      awaiting: null,
      nextState: { completed: true, endedBy: 'flow', handoff: null },
    });
    expect(c.resume().error?.code).toBe('engine.not_handed_off');
  });

  it('is rejected, changing nothing, when the session is not handed off', () => {
    const live = new Conversation(emailFlow());
    const started = live.start();
    const early = live.resume();
    expect(early.error?.code).toBe('engine.not_handed_off');
    expect(early).toMatchObject({ status: 'awaiting_input', nextState: started.nextState, messages: [], log: [] });
    expect(early.awaiting).toEqual(started.awaiting);
    const done = live.reply('me@x.io');
    expect(live.resume('main')).toMatchObject({
      error: { code: 'engine.not_handed_off' },
      status: 'completed',
      nextState: done.nextState,
    });
  });

  it('rejects an unknown group, changing nothing', () => {
    const c = handedOff();
    const before = c.state;
    const result = c.resume('nowhere');
    expect(result.error?.code).toBe('engine.unknown_group');
    expect(result).toMatchObject({ status: 'handoff', messages: [], effects: [], log: [] });
    expect(result.nextState).toEqual(before);
    expect(texts(c.resume())).toEqual(['Back with the bot']);
  });

  it('can hand off again after a hand-back, and resume after the second handoff', () => {
    const c = handedOff(
      flowOf({ blocks: [handoff('h1', 'first'), text('b', 'between'), handoff('h2', 'second'), text('c', 'after')] }),
    );
    const again = c.resume();
    expect(texts(again)).toEqual(['between', 'second']);
    expect(again.effects).toEqual([expect.objectContaining({ kind: 'handoff', blockId: 'h2' })]);
    expect(again).toMatchObject({ status: 'handoff', nextState: { endedBy: 'handoff', handoff: { blockId: 'h2' } } });
    expect(c.reply('hello?').error?.code).toBe('engine.session_ended');
    const last = c.resume();
    expect(texts(last)).toEqual(['after']);
    expect(last.status).toBe('completed');
  });

  it('a handoff from a command flow resumes the interrupted input through a return', () => {
    const c = new Conversation(
      emailFlow({
        blocks: [],
        groups: [{ id: 'human', blocks: [handoff('h', 'Getting a human'), { id: 'r', type: 'return' }] }],
        events: [{ id: 'cmd-human', type: 'command', command: 'human' }],
        edges: [[{ eventId: 'cmd-human' }, 'human']],
      }),
    );
    c.start();
    expect(c.command('human').status).toBe('handoff');
    const resumed = c.resume();
    expect(resumed.awaiting).toMatchObject({ blockId: 'in' });
    expect(texts(c.reply('me@x.io'))).toEqual(['Thanks, me@x.io']);
  });

  it('inside a linked bot, continues there and then in the parent; a group resumes in the own flow', () => {
    const child = flowOf({ blocks: [handoff('c-h'), text('c-after', 'child after')] });
    const parent = flowOf({
      blocks: [{ id: 'link', type: 'linkBot', options: { chatbotPublicId: 'child-bot' } }, text('p', 'parent after')],
      groups: [{ id: 'other', blocks: [text('o', 'Other group')] }],
    });
    const c = new Conversation(parent, testContext({ linkedFlows: { 'child@v1': child } }));
    c.start();
    const inChild = c.effect('ok', { flowRef: 'child@v1' });
    expect(inChild).toMatchObject({
      status: 'handoff',
      nextState: { flowRef: 'child@v1', handoff: { blockId: 'c-h' } },
    });
    expect(requiredFlowRefs(inChild.nextState)).toEqual(['child@v1']);
    const stored = c.state;
    expect(texts(c.resume())).toEqual(['child after', 'parent after']);

    const atGroup = runEngine(parent, stored, { type: 'resume', groupId: 'other' }, testContext());
    expect(texts(atGroup)).toEqual(['Other group']);
    expect(atGroup.nextState).toMatchObject({ flowRef: null, linkStack: [], completed: true, endedBy: 'flow' });
    const missing = runEngine(parent, stored, { type: 'resume' }, testContext());
    expect(missing.error?.code).toBe('engine.linked_flow_missing');
  });

  it('an old handed-off state (without a handoff position) parses and resumes at a group only', () => {
    const current = handedOff().state as SessionState;
    const { handoff: _position, ...old } = JSON.parse(JSON.stringify(current)) as SessionState;
    const parsed = parseSessionState({ ...old, returnStack: [], linkStack: [] });
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.state).toMatchObject({ endedBy: 'handoff', handoff: null });
    expect(handoffPositionOf(parsed.state)).toBeNull();
    const withoutGroup = runEngine(handoffFlow, parsed.state, { type: 'resume' }, testContext());
    expect(withoutGroup).toMatchObject({
      error: { code: 'engine.handoff_position_unknown' },
      status: 'handoff',
      nextState: parsed.state,
    });
    const atGroup = runEngine(handoffFlow, parsed.state, { type: 'resume', groupId: 'main' }, testContext());
    expect(texts(atGroup)).toEqual(['Before', 'A human will answer']);
    expect(atGroup.nextState.handoff).toEqual({ groupId: 'main', blockId: 'h' });
  });
});
