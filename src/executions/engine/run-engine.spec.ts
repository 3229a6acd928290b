import { describeAwaiting } from './describe-awaiting';
import { runEngine } from './run-engine';
import { parseSessionState, requiredFlowRefs, type SessionState } from './session-state';
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
