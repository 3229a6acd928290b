import { Conversation, flowOf, parseFlow, testContext, text, texts } from '../testing/engine-harness';

const variables = [
  { id: 'name', name: 'Name' },
  { id: 'age', name: 'Age' },
  { id: 'first', name: 'First item' },
  { id: 'status', name: 'Status', type: 'number' as const },
  { id: 'ids', name: 'Ids', type: 'list' as const },
  { id: 'question', name: 'Question' },
  { id: 'answer', name: 'Answer' },
  { id: 'tokens', name: 'Tokens', type: 'number' as const },
  { id: 'history', name: 'History', type: 'list' as const },
];

describe('httpRequest', () => {
  const flow = flowOf({
    variables,
    blocks: [
      {
        id: 'http',
        type: 'httpRequest',
        options: {
          method: 'POST',
          url: 'https://api.example.com/people/{{Name}}',
          query: [
            { key: 'age', value: '{{Age}}' },
            { key: '', value: 'ignored' },
          ],
          headers: [{ key: 'Authorization', value: 'Bearer {{Age}}' }],
          body: '{"name": "{{Name}}", "age": {{Age}}}',
          timeoutMs: 5_000,
          retries: 2,
          responseMapping: [
            { path: 'data.items[0].name', variableId: 'first' },
            { path: 'statusCode', variableId: 'status' },
            { path: 'data.items.map(item => item.id)', variableId: 'ids' },
          ],
        },
      },
      text('t', '{{First item}} ({{Status}}) {{Ids}}'),
    ],
  });

  it('comes back as an effect with everything resolved', () => {
    const result = new Conversation(flow).start({ variables: { Name: 'Jane "J"', Age: '30' } });
    expect(result.status).toBe('awaiting_effect');
    expect(result.effects).toEqual([
      {
        kind: 'httpRequest',
        awaitsResult: true,
        effectId: 'http#1',
        blockId: 'http',
        groupId: 'main',
        afterMessageCount: 0,
        method: 'POST',
        url: 'https://api.example.com/people/Jane%20%22J%22?age=30',
        headers: [{ key: 'Authorization', value: 'Bearer 30' }],
        body: '{"name": "Jane \\"J\\"", "age": 30}',
        timeoutMs: 5_000,
        retries: 2,
        responseMapping: [
          { path: 'data.items[0].name', variableId: 'first', variableName: 'First item' },
          { path: 'statusCode', variableId: 'status', variableName: 'Status' },
          { path: 'data.items.map(item => item.id)', variableId: 'ids', variableName: 'Ids' },
        ],
      },
    ]);
    expect(JSON.parse((result.effects[0] as { body: string }).body)).toEqual({ name: 'Jane "J"', age: 30 });
  });

  it('maps the response into variables by path when the result is fed back', () => {
    const c = new Conversation(flow);
    c.start({ variables: { Name: 'x', Age: '1' } });
    const result = c.effect('ok', {
      statusCode: 200,
      data: {
        items: [
          { id: 7, name: 'Widget' },
          { id: 9, name: 'Gadget' },
        ],
      },
    });
    expect(texts(result)).toEqual(['Widget (200) [7,9]']);
    expect(result.log.find((s) => s.blockId === 'http')).toEqual({
      blockId: 'http',
      groupId: 'main',
      kind: 'httpRequest',
      outcome: 'ok',
    });
  });

  it('logs an error status but still maps, and continues after a failed call', () => {
    const failing = new Conversation(flow);
    failing.start({ variables: { Name: 'x', Age: '1' } });
    const mapped = failing.effect('ok', { statusCode: 503, data: { items: [] } });
    expect(texts(mapped)).toEqual([' (503) []']);
    expect(mapped.log.find((s) => s.blockId === 'http')).toMatchObject({
      outcome: 'error',
      error: 'the server answered 503',
    });

    const network = new Conversation(flow);
    network.start({ variables: { Name: 'x', Age: '1' } });
    const result = network.effect('error', undefined, 'ECONNREFUSED');
    expect(result.log.find((s) => s.blockId === 'http')).toMatchObject({ outcome: 'error', error: 'ECONNREFUSED' });
    expect(result.status).toBe('completed');
  });

  it('sends all variables when asked and has no body', () => {
    const all = flowOf({
      variables,
      blocks: [
        { id: 'http', type: 'httpRequest', options: { url: 'https://hooks.example.com/x', sendAllVariables: true } },
      ],
    });
    const result = new Conversation(all).start({ variables: { Name: 'Jane', Age: '3' } });
    expect(JSON.parse((result.effects[0] as { body: string }).body)).toEqual({ Name: 'Jane', Age: '3' });
  });

  it('skips a call whose URL is not http(s), with an error', () => {
    const bad = flowOf({
      variables,
      blocks: [{ id: 'http', type: 'httpRequest', options: { url: '{{Name}}' } }, text('t', 'went on')],
    });
    const result = new Conversation(bad).start({ variables: { Name: 'file:///etc/passwd' } });
    expect(result.effects).toEqual([]);
    expect(texts(result)).toEqual(['went on']);
    expect(result.log[1]).toMatchObject({ blockId: 'http', outcome: 'error' });
  });

  it('rejects a result for another effect id, without changing anything', () => {
    const c = new Conversation(flow);
    const started = c.start({ variables: { Name: 'x', Age: '1' } });
    const result = c.send({ type: 'effectResult', effectId: 'other#9', outcome: 'ok', data: {} });
    expect(result.error?.code).toBe('engine.unexpected_effect');
    expect(result.nextState).toEqual(started.nextState);
    expect(c.reply('hello').error?.code).toBe('engine.unexpected_input');
  });
});

describe('openAiChat', () => {
  const flow = flowOf({
    variables,
    blocks: [
      {
        id: 'remember',
        type: 'setVariable',
        options: { variableId: 'history', operation: { kind: 'append', expression: '{{Question}}' } },
      },
      {
        id: 'ai',
        type: 'openAiChat',
        options: {
          model: 'gpt-4o-mini',
          messages: [
            { role: 'system', content: 'You help {{Name}}.' },
            { role: 'dialogue', variableId: 'history', startsBy: 'user' },
          ],
          temperature: 0.2,
          maxTokens: 100,
          responseMapping: [
            { value: 'messageContent', variableId: 'answer' },
            { value: 'totalTokens', variableId: 'tokens' },
          ],
        },
      },
      text('t', '{{Answer}} [{{Tokens}}]'),
    ],
  });

  it('resolves the messages, then maps the answer and usage', () => {
    const c = new Conversation(flow);
    const first = c.start({ variables: { Name: 'Jane', Question: 'Opening hours?', History: ['Hi', 'Hello!'] } });
    expect(first.effects[0]).toMatchObject({
      kind: 'openAiChat',
      model: 'gpt-4o-mini',
      temperature: 0.2,
      maxTokens: 100,
      messages: [
        { role: 'system', content: 'You help Jane.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'Opening hours?' },
      ],
    });
    expect(texts(c.effect('ok', { messageContent: '9 to 5.', totalTokens: 42 }))).toEqual(['9 to 5. [42]']);
  });
});

describe('openAiTranscription', () => {
  const flow = flowOf({
    variables: [...variables, { id: 'audio', name: 'Audio' }],
    blocks: [
      {
        id: 'stt',
        type: 'openAiTranscription',
        options: { connectionId: 'conn-1', url: '{{Audio}}', language: 'fr', variableId: 'answer' },
      },
      text('t', 'You said: {{Answer}}'),
    ],
  });

  it('asks for the audio URL to be transcribed, then saves the text', () => {
    const c = new Conversation(flow);
    const first = c.start({ variables: { Audio: ' https://files.example.com/note.ogg ' } });
    expect(first.status).toBe('awaiting_effect');
    expect(first.effects[0]).toMatchObject({
      kind: 'openAiTranscription',
      awaitsResult: true,
      connectionId: 'conn-1',
      model: 'whisper-1',
      url: 'https://files.example.com/note.ogg',
      language: 'fr',
    });
    expect(texts(c.effect('ok', { text: 'bonjour' }))).toEqual(['You said: bonjour']);
  });

  it('skips a block whose URL is not http(s), and goes on after a failed call', () => {
    const skipped = new Conversation(flow).start({ variables: { Audio: 'file:///etc/passwd' } });
    expect(skipped.effects).toEqual([]);
    expect(skipped.log.find((l) => l.blockId === 'stt')).toMatchObject({ outcome: 'error' });
    expect(texts(skipped)).toEqual(['You said: ']);
    const c = new Conversation(flow);
    c.start({ variables: { Audio: 'https://files.example.com/a.mp3' } });
    const failed = c.effect('error', undefined, 'OpenAI answered 500');
    expect(texts(failed)).toEqual(['You said: ']);
    expect(failed.log.find((l) => l.blockId === 'stt')).toMatchObject({
      outcome: 'error',
      error: 'OpenAI answered 500',
    });
  });
});

describe('openAiSpeech', () => {
  const speechFlow = (options: Record<string, unknown>) =>
    flowOf({
      variables: [...variables, { id: 'link', name: 'Link' }],
      blocks: [
        { id: 'tts', type: 'openAiSpeech', options: { input: 'Hello {{Name}}', voice: 'nova', ...options } },
        text('t', 'done {{Link}}'),
      ],
    });

  it('asks for the speech, then sends the audio bubble with the stored link', () => {
    const c = new Conversation(speechFlow({ autoplay: true }));
    const first = c.start({ variables: { Name: 'Ada' } });
    expect(first.effects[0]).toMatchObject({
      kind: 'openAiSpeech',
      model: 'tts-1',
      input: 'Hello Ada',
      voice: 'nova',
      format: 'mp3',
    });
    const after = c.effect('ok', { url: 'https://files.example.com/a.mp3?sig=1' });
    expect(after.messages).toEqual([
      expect.objectContaining({
        type: 'audio',
        blockId: 'tts',
        url: 'https://files.example.com/a.mp3?sig=1',
        autoplay: true,
      }),
      expect.objectContaining({ type: 'text' }),
    ]);
    expect(texts(after)).toEqual(['done ']);
  });

  it('saves the link in a variable instead, when asked', () => {
    const c = new Conversation(speechFlow({ sendAudio: false, urlVariableId: 'link' }));
    c.start({ variables: { Name: 'Ada' } });
    const after = c.effect('ok', { url: 'https://f/a.mp3' });
    expect(after.messages.map((m) => m.type)).toEqual(['text']);
    expect(texts(after)).toEqual(['done https://f/a.mp3']);
  });

  it('skips an empty text, and sends nothing when the call fails', () => {
    const empty = new Conversation(speechFlow({ input: '{{Name}}' })).start();
    expect(empty.effects).toEqual([]);
    expect(empty.log.find((l) => l.blockId === 'tts')).toMatchObject({
      outcome: 'error',
      error: 'the text to speak is empty',
    });
    const c = new Conversation(speechFlow({}));
    c.start({ variables: { Name: 'Ada' } });
    expect(c.effect('error', undefined, 'no key').messages.map((m) => m.type)).toEqual(['text']);
  });
});

describe('sendEmail', () => {
  it('is sent without waiting', () => {
    const flow = flowOf({
      variables,
      blocks: [
        {
          id: 'mail',
          type: 'sendEmail',
          options: {
            to: ['team@example.com, {{Name}}@example.com'],
            subject: 'Lead {{Name}}',
            body: 'Age {{Age}}',
            replyTo: '{{Name}}@example.com',
          },
        },
        text('t', 'sent'),
      ],
    });
    const result = new Conversation(flow).start({ variables: { Name: 'jane', Age: '3' } });
    expect(texts(result)).toEqual(['sent']);
    expect(result.effects).toEqual([
      expect.objectContaining({
        kind: 'sendEmail',
        awaitsResult: false,
        to: ['team@example.com', 'jane@example.com'],
        cc: [],
        bcc: [],
        replyTo: 'jane@example.com',
        subject: 'Lead jane',
        body: 'Age 3',
        format: 'text',
      }),
    ]);
  });
});

describe('linkBot', () => {
  const child = parseFlow({
    schemaVersion: 1,
    variables: [
      { id: 'c-name', name: 'Name' },
      { id: 'c-color', name: 'Color' },
    ],
    events: [{ id: 'c-start', type: 'start' }],
    groups: [
      {
        id: 'c-main',
        blocks: [
          text('c-hi', 'Child says hi to {{Name}}'),
          { id: 'c-ask', type: 'textInput', options: { variableId: 'c-color' } },
          text('c-bye', 'Child got {{Color}}'),
        ],
      },
      { id: 'c-other', blocks: [text('c-o', 'other entry')] },
    ],
    edges: [{ id: 'c-e', from: { eventId: 'c-start' }, to: { groupId: 'c-main' } }],
  });
  const parent = (mergeVariables: boolean, groupId?: string) =>
    flowOf({
      variables: [...variables, { id: 'color', name: 'Color' }],
      blocks: [
        text('p1', 'Parent before'),
        {
          id: 'link',
          type: 'linkBot',
          options: { chatbotPublicId: 'colors-bot', mergeVariables, ...(groupId ? { groupId } : {}) },
        },
        text('p2', 'Parent after, color={{Color}}'),
      ],
    });
  const context = testContext({ linkedFlows: { 'colors@v3': child } });

  it('asks the service to load the bot, runs it, then resumes after the link with merged variables', () => {
    const c = new Conversation(parent(true), context);
    const first = c.start({ variables: { Name: 'Jane' } });
    expect(texts(first)).toEqual(['Parent before']);
    expect(first.effects).toEqual([
      expect.objectContaining({ kind: 'linkBot', chatbotPublicId: 'colors-bot', effectId: 'link#1' }),
    ]);
    const inChild = c.effect('ok', { flowRef: 'colors@v3' });
    expect(texts(inChild)).toEqual(['Child says hi to Jane']);
    expect(inChild.awaiting).toMatchObject({ blockId: 'c-ask', type: 'textInput' });
    expect(inChild.nextState.flowRef).toBe('colors@v3');
    expect(inChild.log.find((s) => s.blockId === 'c-hi')).toMatchObject({ flowRef: 'colors@v3' });
    const back = c.reply('teal');
    expect(texts(back)).toEqual(['Child got teal', 'Parent after, color=teal']);
    expect(back.nextState).toMatchObject({ flowRef: null, linkStack: [], completed: true });
    expect(back.nextState.answers['colors@v3:c-ask']).toMatchObject({ value: 'teal', flowRef: 'colors@v3' });
  });

  it('keeps the parent variables when not merging, and can start at a group', () => {
    const c = new Conversation(parent(false, 'c-other'), context);
    c.start();
    expect(texts(c.effect('ok', { flowRef: 'colors@v3' }))).toEqual(['other entry', 'Parent after, color=']);
  });

  it('continues after the link when the bot cannot be loaded', () => {
    const c = new Conversation(parent(false), context);
    c.start();
    const result = c.effect('ok', { flowRef: 'unknown' });
    expect(texts(result)).toEqual(['Parent after, color=']);
    expect(result.log.find((s) => s.blockId === 'link')).toMatchObject({ outcome: 'error' });
  });

  it('refuses to continue a session in a linked bot whose flow was not given', () => {
    const c = new Conversation(parent(true), context);
    c.start();
    const inChild = c.effect('ok', { flowRef: 'colors@v3' });
    const without = new Conversation(parent(true));
    without.state = inChild.nextState;
    expect(without.reply('teal').error?.code).toBe('engine.linked_flow_missing');
  });
});
