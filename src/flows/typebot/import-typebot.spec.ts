import { corpusFlow, describeCorpus, fixture } from '../../../test/support/typebot-corpus';
import type { Block, BlockOf } from '../model/block';
import type { BlockType } from '../model/block-types';
import type { FlowDocument } from '../model/flow-document';
import { validateFlow } from '../validation/validate-flow';
import { importTypebot, type TypebotImportResult } from './import-typebot';

function imported(json: unknown, options?: Parameters<typeof importTypebot>[1]) {
  const result = importTypebot(json, options);
  if (!result.ok) throw new Error(`import failed: ${JSON.stringify(result.errors)}`);
  return result;
}

const blocks = (flow: FlowDocument): Block[] => flow.groups.flatMap((g) => g.blocks);

function blockById<T extends BlockType>(flow: FlowDocument, id: string, type: T): BlockOf<T> {
  const block = blocks(flow).find((b) => b.id === id);
  expect(block?.type).toBe(type);
  return block as BlockOf<T>;
}

/** A v6 export with one group of the given blocks, started by the start event. */
function v6With(groupBlocks: object[], extra: Record<string, unknown> = {}): any {
  return {
    version: '6.1',
    name: 'Synthetic',
    events: [{ id: 'start', type: 'start', outgoingEdgeId: 'e-start', graphCoordinates: { x: 0, y: 0 } }],
    groups: [{ id: 'g1', title: 'Main', graphCoordinates: { x: 1, y: 2 }, blocks: groupBlocks }],
    edges: [{ id: 'e-start', from: { eventId: 'start' }, to: { groupId: 'g1' } }],
    variables: [
      { id: 'v1', name: 'Answer' },
      { id: 'v2', name: 'List', isSessionVariable: true },
    ],
    ...extra,
  };
}

describe('importTypebot: rejected input', () => {
  const errorsOf = (result: TypebotImportResult) => (result.ok ? [] : result.errors);

  it('says what is wrong with input that is not a Typebot export', () => {
    expect(errorsOf(importTypebot('flow'))).toEqual([
      { field: '(root)', message: expect.stringContaining('JSON object') },
    ]);
    expect(errorsOf(importTypebot({ name: 'x' }))).toEqual([
      { field: 'groups', message: expect.stringContaining('no groups') },
    ]);
    expect(errorsOf(importTypebot({ blocks: [{ steps: [] }] }))[0]?.message).toContain('before mid-2022');
    expect(errorsOf(importTypebot({ format: 'parley.flow', flow: {} }))[0]?.field).toBe('format');
  });

  it('rejects unknown schema versions', () => {
    expect(errorsOf(importTypebot({ ...v6With([]), version: '7' }))).toEqual([
      { field: 'version', message: expect.stringContaining('"7"') },
    ]);
  });

  it('reports malformed groups and blocks by path', () => {
    expect(errorsOf(importTypebot({ version: '6', groups: [{ id: 'g', blocks: [{ id: 'b' }] }] }))).toEqual([
      expect.objectContaining({ field: 'groups[0].blocks[0].type' }),
    ]);
  });
});

describe('importTypebot: normalisation to v6', () => {
  it('turns the v3 start block into the start event with the start group id', () => {
    const { flow } = imported(fixture('greeter-ab.v3.json'));
    expect(flow.events).toEqual([{ id: 'greet_g_start', type: 'start', position: { x: 0, y: 0 } }]);
    expect(flow.edges.find((e) => e.id === 'greet_e_start')).toEqual({
      id: 'greet_e_start',
      from: { eventId: 'greet_g_start' },
      to: { groupId: 'greet_g_split' },
    });
    expect(flow.groups.map((g) => g.id)).not.toContain('greet_g_start');
    const split = blockById(flow, 'greet_ab', 'abSplit');
    expect(split.options.aPercent).toBe(50);
    expect(split.items).toEqual([
      { id: 'greet_ab_a', path: 'a' },
      { id: 'greet_ab_b', path: 'b' },
    ]);
  });

  it('keeps v3 webhooks without their request as unsupported, and merges linked results of pre-v6 bots', () => {
    const { flow, report } = imported(fixture('greeter-ab.v3.json'));
    const webhook = blockById(flow, 'greet_sync_hook', 'unsupported');
    expect(webhook.options.originalType).toBe('Webhook');
    expect(webhook.options.reason).toContain('legacy-hook-7');
    expect(webhook.options.raw).toMatchObject({ webhookId: 'legacy-hook-7', options: { isCustomBody: false } });
    expect(report.notRunnable.map((n) => n.type).sort()).toEqual(['Code', 'Webhook']);
    expect(blockById(flow, 'greet_sync_link', 'linkBot').options).toEqual({
      chatbotPublicId: 'loyalty-bot',
      mergeVariables: true,
    });
  });

  it('reads a missing version as 3: start block, bubbles with only their plain text, invalid edges dropped', () => {
    const { flow, report } = imported(fixture('opening-hours.unversioned.json'));
    expect(flow.events).toEqual([{ id: 'hours_g_start', type: 'start', position: { x: 0, y: 0 } }]);
    expect(blockById(flow, 'hours_question', 'text').options.text).toBe('When do you want to visit?');
    // Rich text wins over the legacy html/plainText when both are there.
    expect(blockById(flow, 'hours_weekend', 'text').options.text).toBe('Saturdays 9:00–13:00, **closed on Sundays**.');
    expect(flow.edges.map((e) => e.id).sort()).toEqual(['hours_e_start', 'hours_e_today', 'hours_e_weekend']);
    expect(report.warnings).toEqual(['edge 4 is malformed and was dropped']);
  });

  it('reads v5 like v4: the request of an HTTP block is inline', () => {
    const { flow } = imported(fixture('newsletter-signup.v5.json'));
    expect(flow.groups.map((g) => g.blocks.map((b) => b.type))).toEqual([['emailInput', 'httpRequest', 'text']]);
    expect(blockById(flow, 'signup_hook', 'httpRequest').options).toMatchObject({
      method: 'POST',
      url: 'https://lists.example.org/api/subscribe',
      body: '{"email": "{{Email}}"}',
      sendAllVariables: false,
      responseMapping: [{ path: 'data.id', variableId: 'var_signup_id' }],
    });
  });

  it('gives v4 and v6 exports of the same flow the same graph', () => {
    const v4 = imported(fixture('bakery-order.v4.json')).flow;
    const v6 = imported(fixture('bakery-order.json')).flow;
    expect(v4.groups).toEqual(v6.groups);
    expect(v4.edges).toEqual(
      v6.edges.map((e) => (e.id === 'bakery_e_start' ? { ...e, from: { eventId: 'bakery_g_start' } } : e)),
    );
    expect(v4.variables).toEqual(v6.variables);
  });

  it('connects a start without an edge to the first group, with a new id', () => {
    const json = v6With([{ id: 'b', type: 'text', content: { richText: [] } }]);
    json.events[0] = { id: 'start', type: 'start' };
    json.edges = [];
    const { flow, report } = imported(json, { newId: () => 'new-edge' });
    expect(flow.edges).toEqual([{ id: 'new-edge', from: { eventId: 'start' }, to: { groupId: 'g1' } }]);
    expect(report.warnings.join()).toContain('not connected');
  });
});

describe('importTypebot: blocks', () => {
  it('converts rich text to markdown with marks, links and variables', () => {
    const { flow } = imported(fixture('bakery-order.json'));
    const texts = blocks(flow).flatMap((b) => (b.type === 'text' ? [b.options.text] : []));
    expect(texts).toEqual(
      expect.arrayContaining([
        'Welcome to **Crumb & Co.**, the corner bakery.',
        'Thanks, {{Customer}}! Where should we send the receipt?',
        'Any notes for the baker? _Allergies, a message on the cake…_',
        'Opening hours are on [our site](https://bakery.example.org/hours).',
      ]),
    );
  });

  it('converts headings, lists, nested marks and links with marks; underline is dropped', () => {
    const { flow } = imported(fixture('integrations.json'));
    const formatting = flow.groups.find((g) => g.id === 'desk_g_formatting')!;
    expect(formatting.blocks.map((b) => (b.type === 'text' ? b.options.text : b.type))).toEqual([
      '## Ticket summary\nStatus: **{{Status code}}**',
      'Plain, **bold**, _italic_, _**both**_, underlined and `code()`.',
      'Read [the **help page**](https://desk.example.org/help?topic={{Topic}}) first.\n\nThen reply here.',
      'Before you write:\n- check the _status page_\n- restart the app\n1. first\n2. second',
      // Spaces inside a mark move outside it, so the markdown stays valid.
      'Spaces around  **marks** stay put.',
    ]);
  });

  it('maps inputs with their variables and retry messages', () => {
    const { flow } = imported(fixture('every-input.json'));
    expect(blockById(flow, 'intake_phone', 'phoneInput').options).toMatchObject({
      variableId: 'var_phone',
      defaultCountryCode: 'PT',
      retryMessage: 'Please give a phone number we can call.',
    });
    expect(blockById(flow, 'intake_email', 'emailInput').options.retryMessage).toBe(
      'That address looks incomplete, could you check it?',
    );
    expect(blockById(flow, 'intake_name', 'textInput').options).toMatchObject({
      placeholder: 'First and last name',
      buttonLabel: 'Next',
    });
    expect(blockById(flow, 'intake_visits', 'numberInput').options).toMatchObject({ min: 0, max: 50, step: 1 });
    expect(blockById(flow, 'intake_stay', 'dateInput').options).toMatchObject({
      isRange: true,
      fromLabel: 'Arrival',
      toLabel: 'Departure',
      rangeSeparator: ' until ',
    });
    expect(blockById(flow, 'intake_pain', 'ratingInput').options).toMatchObject({
      length: 5,
      startsAt: 1,
      style: 'icons',
    });
    expect(blockById(flow, 'intake_nps', 'ratingInput').options).toMatchObject({ length: 11, startsAt: 0 });
    expect(blockById(flow, 'intake_scan', 'fileInput').options).toMatchObject({
      required: false,
      multiple: true,
      allowedTypes: ['image/*', '.pdf'],
    });
    // Without its own retry message, an email input gets Typebot's default one.
    const bakery = imported(fixture('bakery-order.json')).flow;
    expect(blockById(bakery, 'bakery_email_input', 'emailInput').options.retryMessage).toBe(
      "This email doesn't seem to be valid. Can you type it again?",
    );
  });

  it('maps media bubbles, multiple and picture choices', () => {
    const { flow } = imported(fixture('every-input.json'));
    expect(blockById(flow, 'intake_video', 'video').options).toEqual({
      url: 'https://www.youtube.com/watch?v=aqz-KE-bpKQ',
      provider: 'youtube',
      autoplay: false,
      showControls: true,
    });
    expect(blockById(flow, 'intake_audio', 'audio').options).toEqual({
      url: 'https://media.example.org/clinic/welcome.mp3',
      autoplay: false,
    });
    expect(blockById(flow, 'intake_embed', 'embed').options).toEqual({
      url: 'https://forms.example.org/consent',
      heightPx: 420,
      waitForEvent: { name: 'consent-signed', saveDataInVariableId: 'var_form_data' },
    });
    const symptoms = blockById(flow, 'intake_symptoms', 'choiceInput');
    expect(symptoms.options).toMatchObject({ multiple: true, buttonLabel: 'Done' });
    expect(symptoms.items.map((i) => [i.label, i.value, i.displayCondition !== undefined])).toEqual([
      ['Fever', undefined, false],
      ['Cough', 'cough', false],
      ['Rash', undefined, true],
    ]);
    expect(blockById(flow, 'intake_room', 'pictureChoiceInput').items).toEqual([
      {
        id: 'intake_room_garden',
        pictureUrl: 'https://images.example.org/clinic/garden.jpg',
        title: 'Garden room',
        description: 'Ground floor',
      },
      {
        id: 'intake_room_quiet',
        pictureUrl: 'https://images.example.org/clinic/quiet.jpg',
        title: 'Quiet room',
        value: 'quiet',
      },
    ]);
    expect(blockById(flow, 'intake_room_dynamic', 'pictureChoiceInput').options.dynamicItems).toEqual({
      titlesVariableId: 'var_photo_titles',
      pictureUrlsVariableId: 'var_photo_urls',
    });
  });

  it('maps HTTP requests: method, headers, query, custom body, response mapping and timeout', () => {
    const { flow, report } = imported(fixture('integrations.json'));
    expect(blockById(flow, 'desk_lookup', 'httpRequest').options).toMatchObject({
      method: 'GET',
      url: 'https://desk.example.org/api/tickets/{{Ticket}}',
      headers: [{ key: 'Accept', value: 'application/json' }],
      query: [{ key: 'expand', value: 'history' }],
      sendAllVariables: true,
      responseMapping: [
        { path: 'statusCode', variableId: 'var_status' },
        { path: 'data.ticket.summary', variableId: 'var_summary' },
        { path: 'data.topics.map(t => t.name)', variableId: 'var_topics' },
      ],
      timeoutMs: 15_000,
    });
    expect(report.warnings.join()).toContain('"data.topics.map(t => t.name)" is a JavaScript expression');
    expect(blockById(flow, 'desk_create', 'httpRequest').options).toMatchObject({
      method: 'POST',
      body: '{"summary": "{{Summary}}", "priority": 2}',
      sendAllVariables: false,
    });
    // Zapier, Make.com and Pabbly share the Webhook shape; a custom body that is empty sends the answers.
    expect(blockById(flow, 'desk_zapier', 'httpRequest').options.url).toBe('https://hooks.zapier.example/abc');
    expect(blockById(flow, 'desk_make', 'httpRequest').options.method).toBe('PUT');
    expect(blockById(flow, 'desk_pabbly', 'httpRequest').options.sendAllVariables).toBe(true);
  });

  it('drops static choice items Typebot ignores and types list variables', () => {
    const { flow, report } = imported(fixture('every-input.json'));
    const doctors = blockById(flow, 'intake_doctor', 'choiceInput');
    expect(doctors.items).toEqual([]);
    expect(doctors.options.dynamicItems).toEqual({ listVariableId: 'var_doctors' });
    expect(report.warnings.join()).toContain('1 static item(s) were dropped');
    expect(flow.variables.find((v) => v.id === 'var_doctors')?.type).toBe('list');
    expect(flow.variables.find((v) => v.id === 'var_full_name')?.type).toBe('string');
  });

  it('maps the set-variable types of a real flow, and code that is only an expression', () => {
    const trivia = imported(fixture('trivia-logic.v6.json')).flow;
    const operation = (id: string) => blockById(trivia, id, 'setVariable').options.operation;
    expect(operation('trivia_reset_score')).toEqual({ kind: 'expression', expression: '0' });
    expect(operation('trivia_clear_answers')).toEqual({ kind: 'clear' });
    expect(operation('trivia_right1_score')).toEqual({ kind: 'expression', expression: '{{Score}} + 1' });
    expect(operation('trivia_right1_remember')).toEqual({ kind: 'append', expression: '{{Answer}}' });
    expect(operation('trivia_finished_at')).toEqual({ kind: 'system', value: 'now', timeZone: 'Europe/Lisbon' });
    expect(trivia.variables.find((v) => v.id === 'var_score')).toMatchObject({ type: 'string', defaultValue: '0' });
    const desk = imported(fixture('integrations.json'));
    expect(blockById(desk.flow, 'desk_map_topic', 'setVariable').options.operation).toEqual({
      kind: 'itemAtSameIndex',
      itemVariableId: 'var_topic',
      listVariableId: 'var_topics',
      targetListVariableId: 'var_topic_ids',
    });
    expect(blockById(desk.flow, 'desk_transcript', 'setVariable').options.operation).toEqual({
      kind: 'system',
      value: 'transcript',
    });
    expect(blockById(desk.flow, 'desk_code_expression', 'setVariable').options.operation).toEqual({
      kind: 'expression',
      expression: '{{Ticket}} * 2',
    });
    expect(blockById(desk.flow, 'desk_code_statements', 'unsupported').options.reason).toContain('JavaScript');
  });

  it('maps jumps, returns, waits, redirects, A/B tests, and links to the same bot as jumps', () => {
    const trivia = imported(fixture('trivia-logic.v6.json')).flow;
    expect(blockById(trivia, 'trivia_tip_jump', 'jump').options).toEqual({ groupId: 'trivia_g_tip' });
    expect(blockById(trivia, 'trivia_wrong1_jump', 'jump').options).toEqual({
      groupId: 'trivia_g_q2',
      blockId: 'trivia_q2',
    });
    blockById(trivia, 'trivia_tip_return', 'return');
    expect(blockById(trivia, 'trivia_q3_link', 'jump').options).toEqual({ groupId: 'trivia_g_q3' });
    expect(blockById(trivia, 'trivia_badge_wait', 'wait').options).toEqual({ seconds: 1 });
    expect(blockById(trivia, 'trivia_badge_redirect', 'redirect').options).toEqual({
      url: 'https://space.example.org/badge?score={{Score}}',
      newTab: true,
    });
    const desk = imported(fixture('integrations.json'));
    expect(blockById(desk.flow, 'desk_ab', 'abSplit')).toMatchObject({
      options: { aPercent: 30 },
      items: [
        { id: 'desk_ab_a', path: 'a' },
        { id: 'desk_ab_b', path: 'b' },
      ],
    });
    expect(blockById(desk.flow, 'desk_other_bot', 'linkBot').options).toEqual({
      chatbotPublicId: 'billing-bot',
      groupId: 'billing_g_invoices',
      mergeVariables: false,
    });
    expect(desk.report.warnings.join()).toContain('"billing-bot"');
    expect(blockById(desk.flow, 'desk_jump_by_name', 'unsupported').options.reason).toContain('variable');
    expect(blockById(desk.flow, 'desk_wait_variable', 'unsupported').options.reason).toContain('variable');
  });

  it('maps OpenAI blocks (legacy and forged) to chat completions, other actions as unsupported', () => {
    const { flow, report } = imported(fixture('integrations.json'));
    expect(blockById(flow, 'desk_ai_legacy', 'openAiChat').options).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You summarise support tickets in one sentence.' },
        { role: 'user', content: '{{Summary}}' },
        { role: 'dialogue', variableId: 'var_dialogue', startsBy: 'assistant' },
      ],
      temperature: 0.2,
      responseMapping: [
        { value: 'messageContent', variableId: 'var_summary' },
        { value: 'totalTokens', variableId: 'var_tokens' },
      ],
    });
    expect(report.warnings.join()).toContain('Typebot credentials do not carry over');
    expect(blockById(flow, 'desk_ai_forged', 'openAiChat').options).toMatchObject({
      model: 'gpt-4o',
      messages: [{ role: 'dialogue', variableId: 'var_dialogue', startsBy: 'user' }],
      temperature: 0.7,
      responseMapping: [{ value: 'messageContent', variableId: 'var_summary' }],
    });
    expect(blockById(flow, 'desk_ai_speech', 'openAiSpeech').options).toEqual({
      model: 'tts-1',
      input: '{{Summary}}',
      voice: 'alloy',
      format: 'mp3',
      sendAudio: true,
      autoplay: false,
    });
    expect(report.warnings.join()).toContain('no voice was chosen');
  });

  it("maps OpenAI's transcription, speech, Ask Model and Ask Assistant actions, saying what changed", () => {
    const { flow, report } = imported(fixture('openai-voice.json'));
    expect(blockById(flow, 'vo_transcribe', 'openAiTranscription').options).toEqual({
      model: 'whisper-1',
      url: '{{Audio URL}}',
      variableId: 'var_transcript',
    });
    expect(blockById(flow, 'vo_speak', 'openAiSpeech').options).toMatchObject({
      model: 'tts-1',
      input: 'You said {{Transcript}}',
      voice: 'nova',
      sendAudio: true,
    });
    // Saved in a variable (played by the bot's own audio bubble), as in Typebot.
    expect(blockById(flow, 'vo_saved_speech', 'openAiSpeech').options).toMatchObject({
      voice: 'shimmer',
      urlVariableId: 'var_speech_url',
      sendAudio: false,
    });
    expect(blockById(flow, 'vo_model', 'openAiChat').options).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Answer in one sentence.' },
        { role: 'user', content: '{{Transcript}}' },
      ],
      temperature: 0.3,
      responseMapping: [{ value: 'messageContent', variableId: 'var_answer' }],
    });
    expect(blockById(flow, 'vo_assistant', 'openAiChat').options).toMatchObject({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Summarise: {{Transcript}}' }],
      responseMapping: [{ value: 'messageContent', variableId: 'var_summary' }],
    });
    const warnings = report.warnings.join('\n');
    expect(warnings).toContain(
      'OpenAI retired the Assistants API: assistant asst_abc123 now runs as a chat completion',
    );
    expect(warnings).toContain("Copy the assistant's instructions into a system message");
    expect(warnings).toContain('the assistant thread is not kept');
    expect(warnings).toContain('"Ask Model" runs as a chat completion');
    expect(warnings).toContain('its tools were dropped: web search');
    expect(warnings).toContain('the Response ID is not kept');
    expect(warnings).toContain('Typebot credentials do not carry over');
    expect(report.notRunnable).toEqual([]);
    expect(validateFlow(flow).filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('keeps OpenAI actions Parley has no block for as unsupported', () => {
    const { flow } = imported({
      version: '6.1',
      id: 'x',
      name: 'x',
      events: [{ id: 's', type: 'start', outgoingEdgeId: 'e' }],
      groups: [
        {
          id: 'g',
          title: 'G',
          blocks: [
            { id: 'gen', type: 'openai', options: { action: 'Generate variables' } },
            { id: 'img', type: 'OpenAI', options: { task: 'Create image' } },
            { id: 'old_speech', type: 'OpenAI', options: { task: 'Create speech', input: 'Hi', voice: 'robot' } },
          ],
        },
      ],
      edges: [{ id: 'e', from: { eventId: 's' }, to: { groupId: 'g' } }],
      variables: [],
    });
    expect(blockById(flow, 'gen', 'unsupported').options.reason).toContain('"Generate variables"');
    expect(blockById(flow, 'img', 'unsupported').options.reason).toContain('"Create image"');
    expect(blockById(flow, 'old_speech', 'openAiSpeech').options).toMatchObject({ input: 'Hi', voice: 'alloy' });
  });

  it('maps emails: the default body lists the answers, a custom one is kept', () => {
    const { flow } = imported(fixture('integrations.json'));
    const answers = blockById(flow, 'desk_email_answers', 'sendEmail').options;
    expect(answers).toMatchObject({ to: ['support@desk.example.org'], subject: 'New ticket {{Ticket}}' });
    expect(answers.body).toContain('Ticket: {{Ticket}}\nStatus code: {{Status code}}');
    expect(blockById(flow, 'desk_email_custom', 'sendEmail').options).toMatchObject({
      to: ['{{Email}}'],
      cc: ['lead@desk.example.org'],
      replyTo: 'noreply@desk.example.org',
      body: '<p>We got it: {{Summary}}</p>',
      format: 'html',
    });
  });

  it('keeps every block Parley cannot run as unsupported, with its Typebot type', () => {
    const { flow, report } = imported(fixture('integrations.json'));
    expect(report.notRunnable.map((n) => n.type)).toEqual([
      'mistral',
      'Set variable',
      'Jump',
      'Wait',
      'Code',
      'webhook',
      'Google Sheets',
      'Chatwoot',
      'Google Analytics',
      'Pixel',
      'payment input',
      'cards',
      'qr-code',
      'Hologram',
    ]);
    expect(blockById(flow, 'desk_cards', 'unsupported').items).toEqual([
      { id: 'desk_card_pro' },
      { id: 'desk_card_pro_buy' },
    ]);
    expect(flow.edges).toContainEqual({
      id: 'desk_e_card_buy',
      from: { blockId: 'desk_cards', itemId: 'desk_card_pro_buy' },
      to: { groupId: 'desk_g_upgrade' },
    });
  });

  it('declares variable ids blocks use but the export does not, says so, and the flow validates', () => {
    const { flow, report } = imported(fixture('undeclared-variable.json'));
    expect(report.undeclaredVariables).toEqual([
      { variableId: 'var_pet_name_deleted', name: 'var_pet_name_deleted', usedBy: ['pet_name_input'] },
      { variableId: 'var_vip_deleted', name: 'var_vip_deleted', usedBy: ['pet_condition'] },
    ]);
    // Empty, and out of results, as Typebot runs them.
    expect(flow.variables.filter((v) => v.id.endsWith('_deleted'))).toEqual([
      { id: 'var_pet_name_deleted', name: 'var_pet_name_deleted', type: 'string', saveInResults: false },
      { id: 'var_vip_deleted', name: 'var_vip_deleted', type: 'string', saveInResults: false },
    ]);
    expect(report.warnings).toEqual(
      expect.arrayContaining([
        'variable id "var_vip_deleted" is used (pet_condition) but not declared: declared as "var_vip_deleted"',
      ]),
    );
    expect(validateFlow(flow).filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('names a declared undeclared variable apart from the declared names, once per id', () => {
    const json = v6With(
      [
        { id: 'a', type: 'text input', options: { variableId: 'ghost' } },
        { id: 'b', type: 'number input', options: { variableId: 'ghost' } },
      ],
      { variables: [{ id: 'v1', name: 'ghost' }] },
    );
    const { flow, report } = imported(json);
    expect(report.undeclaredVariables).toEqual([{ variableId: 'ghost', name: 'ghost (2)', usedBy: ['a', 'b'] }]);
    expect(flow.variables.map((v) => [v.id, v.name])).toEqual([
      ['v1', 'ghost'],
      ['ghost', 'ghost (2)'],
    ]);
    expect(imported(fixture('bakery-order.json')).report.undeclaredVariables).toEqual([]);
  });

  it('renames duplicate and blank variable names so that {{name}} resolves to one variable', () => {
    const { flow, report } = imported(fixture('integrations.json'));
    expect(flow.variables.filter((v) => v.name.startsWith('Summary')).map((v) => v.name)).toEqual([
      'Summary',
      'Summary (2)',
    ]);
    expect(flow.variables.find((v) => v.id === 'var_unnamed')?.name).toBe('Variable 12');
    expect(report.warnings).toEqual(expect.arrayContaining(['variable "Summary" is now named "Summary (2)"']));
  });

  it('maps set-variable types, and treats JavaScript statements as unsupported', () => {
    const { flow, report } = imported(
      v6With([
        { id: 'a', type: 'Set variable', options: { variableId: 'v1', expressionToEvaluate: '{{Answer}} + 1' } },
        { id: 'b', type: 'Set variable', options: { variableId: 'v2', type: 'Append value(s)', item: '{{Answer}}' } },
        { id: 'c', type: 'Set variable', options: { variableId: 'v1', type: 'Now', timeZone: 'Europe/Paris' } },
        {
          id: 'd',
          type: 'Set variable',
          options: { variableId: 'v1', isCode: true, expressionToEvaluate: 'return 1;' },
        },
        { id: 'e', type: 'Set variable', options: { variableId: 'v1', type: 'Empty' } },
        { id: 'f', type: 'Set variable', options: { variableId: 'v1', type: 'Referral Click ID' } },
      ]),
    );
    expect(blocks(flow).map((b) => (b.type === 'setVariable' ? b.options.operation : b.type))).toEqual([
      { kind: 'expression', expression: '{{Answer}} + 1' },
      { kind: 'append', expression: '{{Answer}}' },
      { kind: 'system', value: 'now', timeZone: 'Europe/Paris' },
      'unsupported',
      { kind: 'clear' },
      'unsupported',
    ]);
    expect(report.notRunnable.map((n) => n.blockId)).toEqual(['d', 'f']);
    expect(flow.variables.find((v) => v.id === 'v2')).toEqual({
      id: 'v2',
      name: 'List',
      type: 'list',
      saveInResults: false,
    });
  });

  it('maps conditions, with OR, and keeps incomplete AND conditions as never true', () => {
    const { flow, report } = imported(
      v6With([
        {
          id: 'cond',
          type: 'Condition',
          items: [
            {
              id: 'i1',
              content: {
                logicalOperator: 'OR',
                comparisons: [
                  { id: 'c1', variableId: 'v1', comparisonOperator: 'Starts with', value: 'yes' },
                  { id: 'c2', comparisonOperator: 'Equal to', value: 'x' },
                ],
              },
            },
            { id: 'i2', content: { comparisons: [{ id: 'c3', variableId: 'v1', value: '10' }] } },
          ],
        },
      ]),
    );
    expect(blockById(flow, 'cond', 'condition').items).toEqual([
      {
        id: 'i1',
        condition: {
          logicalOperator: 'or',
          comparisons: [{ id: 'c1', variableId: 'v1', operator: 'startsWith', value: 'yes' }],
        },
      },
      { id: 'i2', condition: { logicalOperator: 'and', comparisons: [] } },
    ]);
    expect(report.warnings).toHaveLength(2);
  });

  it('keeps blocks Parley cannot run, with item and card-button ids so their edges connect', () => {
    const { flow, report } = imported(
      v6With([], {
        groups: [
          {
            id: 'g1',
            title: 'Main',
            blocks: [
              {
                id: 'cards',
                type: 'cards',
                items: [{ id: 'card', paths: [{ id: 'buy', outgoingEdgeId: 'e-buy' }] }],
              },
              { id: 'sheet', type: 'Google Sheets', options: { action: 'Insert a row' } },
              { id: 'pay', type: 'payment input', options: { amount: '9' } },
              { id: 'qr', type: 'qr-code', options: {} },
              { id: 'odd', type: 'Teleport', options: {} },
            ],
          },
          { id: 'g2', title: 'Bought', blocks: [{ id: 'thanks', type: 'text', content: { richText: [] } }] },
        ],
        edges: [
          { id: 'e-start', from: { eventId: 'start' }, to: { groupId: 'g1' } },
          { id: 'e-buy', from: { blockId: 'cards', itemId: 'card', pathId: 'buy' }, to: { groupId: 'g2' } },
        ],
      }),
    );
    expect(blocks(flow).map((b) => b.type)).toEqual([
      'unsupported',
      'unsupported',
      'unsupported',
      'unsupported',
      'unsupported',
      'text',
    ]);
    expect(blockById(flow, 'cards', 'unsupported').items).toEqual([{ id: 'card' }, { id: 'buy' }]);
    expect(flow.edges).toContainEqual({
      id: 'e-buy',
      from: { blockId: 'cards', itemId: 'buy' },
      to: { groupId: 'g2' },
    });
    expect(report.notRunnable.map((n) => [n.blockId, n.type])).toEqual([
      ['cards', 'cards'],
      ['sheet', 'Google Sheets'],
      ['pay', 'payment input'],
      ['qr', 'qr-code'],
      ['odd', 'Teleport'],
    ]);
    expect(validateFlow(flow).filter((p) => p.code === 'edge.unknown_source')).toEqual([]);
  });

  it('maps date, file, time, rating and email blocks with their options', () => {
    const { flow } = imported(
      v6With([
        {
          id: 'date',
          type: 'date input',
          options: { variableId: 'v1', isRange: true, min: '2025-01-01', labels: { separator: 'until', from: 'From' } },
        },
        {
          id: 'file',
          type: 'file input',
          options: {
            isRequired: false,
            allowedFileTypes: { isEnabled: true, types: ['image/png', '.pdf'] },
            sizeLimit: 5,
          },
        },
        { id: 'time', type: 'time input', options: { format: 'hh:mm a' } },
        { id: 'rate', type: 'rating input', options: { length: 5, buttonType: 'Icons' } },
        { id: 'nps', type: 'rating input', options: {} },
        { id: 'mail', type: 'Email', options: { recipients: ['a@example.com'], subject: 'Hi' } },
      ]),
    );
    expect(blockById(flow, 'date', 'dateInput').options).toMatchObject({
      isRange: true,
      min: '2025-01-01',
      fromLabel: 'From',
      rangeSeparator: ' until ',
    });
    expect(blockById(flow, 'file', 'fileInput').options).toMatchObject({
      required: false,
      allowedTypes: ['image/png', '.pdf'],
      maxSizeMb: 5,
    });
    expect(blockById(flow, 'time', 'timeInput').options.format).toBe('hh:mm a');
    expect(blockById(flow, 'rate', 'ratingInput').options).toMatchObject({ length: 5, style: 'icons', startsAt: 1 });
    // Typebot's default numbered rating is 0–10 (11 values).
    expect(blockById(flow, 'nps', 'ratingInput').options).toMatchObject({ length: 11, startsAt: 0, style: 'numbers' });
    expect(blockById(flow, 'mail', 'sendEmail').options).toMatchObject({
      to: ['a@example.com'],
      body: 'Answer: {{Answer}}\nList: {{List}}',
    });
  });
});

describe('importTypebot: events and edges', () => {
  it('keeps reply events with the variables they fill, and command events', () => {
    const { flow } = imported(fixture('reply-event.json'));
    expect(flow.events).toEqual([
      { id: 'echo_start', type: 'start', position: { x: -300, y: 0 } },
      {
        id: 'echo_reply_event',
        type: 'reply',
        position: { x: -300, y: 400 },
        contentVariableId: 'var_reply_content',
        inputNameVariableId: 'var_reply_input',
        inputTypeVariableId: 'var_reply_type',
      },
      { id: 'echo_help_command', type: 'command', position: { x: -300, y: 600 }, command: 'Need-help' },
      { id: 'echo_invalid', type: 'invalidReply', position: { x: -300, y: 800 } },
    ]);
  });

  it('drops edges no exit owns and links to missing edges, and says so', () => {
    const { flow, report } = imported(fixture('integrations.json'));
    expect(flow.edges.map((e) => e.id)).not.toContain('desk_e_orphan');
    expect(report.warnings).toContain(
      'edge "desk_e_orphan" is not attached to any block, item or event of the export; dropped',
    );
    expect(report.warnings.join()).toContain('"desk_e_missing", which is not in the export');
  });

  it('maps command events and drops kinds Parley lacks, with warnings', () => {
    const json = v6With([{ id: 'b', type: 'text', content: { richText: [] } }]);
    json.events.push(
      { id: 'cmd', type: 'command', options: { command: '/talk to us' } },
      { id: 'mystery', type: 'onPayment' },
    );
    const { flow, report } = imported(json);
    expect(flow.events.map((e) => (e.type === 'command' ? e.command : e.type))).toEqual(['start', 'talk-to-us']);
    expect(report.warnings.some((w) => w.includes('"onPayment"'))).toBe(true);
  });
});

/** The same behaviours on real Typebot exports (their ids and texts). */
describeCorpus('importTypebot on the Typebot corpus', () => {
  it('turns the v3 start block into the start event with the start group id', () => {
    const { flow } = imported(corpusFlow('fixture-builder-ab-test-v3.json'));
    expect(flow.events).toEqual([{ id: 'bb5ad8yx3j52fecxdnztlap5', type: 'start', position: { x: 0, y: 0 } }]);
    expect(flow.edges.find((e) => e.id === 'qr2ebzm62bcz21jh2wmv1odd')).toEqual({
      id: 'qr2ebzm62bcz21jh2wmv1odd',
      from: { eventId: 'bb5ad8yx3j52fecxdnztlap5' },
      to: { groupId: 'wv63xqdlwj6ub5vb3ulbmzd3' },
    });
    expect(flow.groups.map((g) => g.id)).not.toContain('bb5ad8yx3j52fecxdnztlap5');
    const split = blockById(flow, 'rorajfbwc2evvumo837ulwmy', 'abSplit');
    expect(split.options.aPercent).toBe(50);
    expect(split.items).toEqual([
      { id: 'rcw6vr8xfcb5dmfx2ts04rb0', path: 'a' },
      { id: 'i9shyze7fyd5wfxfq0svg2lg', path: 'b' },
    ]);
  });

  it('reads a missing version as 3 and keeps v3 webhooks without their request as unsupported', () => {
    const { flow, report } = imported(corpusFlow('landing-realtime-airtable-legacy.json'));
    const webhook = blockById(flow, 'sti9ca1hQgmQLUgghCLqDrx', 'unsupported');
    expect(webhook.options.originalType).toBe('Webhook');
    expect(webhook.options.reason).toContain('cl0se2gnu00002e69s26z118c');
    expect(webhook.options.raw).toMatchObject({
      webhookId: 'cl0se2gnu00002e69s26z118c',
      options: { isCustomBody: true },
    });
    expect(report.notRunnable.map((n) => n.type).sort()).toEqual(['Code', 'Code', 'Webhook', 'Webhook']);
  });

  it('gives v4 and v6 exports of the same template the same graph', () => {
    const v4 = imported(corpusFlow('template-lead-gen-v4.json')).flow;
    const v6 = imported(corpusFlow('template-lead-gen.json')).flow;
    const shape = (flow: FlowDocument) =>
      flow.groups.map((g) => g.blocks.map((b) => `${b.type}:${'items' in b ? b.items.length : 0}`).join(','));
    expect(shape(v4)).toEqual(shape(v6));
    expect(v4.edges.length).toBe(v6.edges.length);
  });

  it('converts rich text to markdown with links and variables', () => {
    const { flow } = imported(corpusFlow('template-customer-support.json'));
    const texts = blocks(flow).flatMap((b) => (b.type === 'text' ? [b.options.text] : []));
    expect(texts).toContain("First, don't forget to check out the [Documentation 🙏](https://docs.typebot.com/)");
  });

  it('maps inputs with their variables and retry messages', () => {
    const { flow } = imported(corpusFlow('pr1827-lead-gen-whatsapp.json'));
    const phone = blockById(flow, 'lesucsuvjiur7sn1uflfr5u4', 'phoneInput');
    expect(phone.options).toMatchObject({
      variableId: 'vdj2lqzijiyu9hlhrbb7vmmxw',
      defaultCountryCode: 'BR',
      retryMessage: "This phone number doesn't seem to be valid. Can you type it again?",
    });
    const email = blockById(
      imported(corpusFlow('template-lead-gen.json')).flow,
      'snbsad18Bgry8yZ8DZCfdFD',
      'emailInput',
    );
    expect(email.options.retryMessage).toBe("This email doesn't seem to be valid. Can you type it again?");
  });

  it('maps HTTP requests: method, query, custom body, response mapping and timeout', () => {
    const movies = imported(corpusFlow('template-movie-recommendation.json')).flow;
    const genres = blockById(movies, 'gd4lt2pcljer6zaf7v9hkr1k', 'httpRequest');
    expect(genres.options).toMatchObject({
      method: 'GET',
      url: 'https://api.themoviedb.org/3/genre/movie/list',
      query: [{ key: 'api_key', value: '{{API Key}}' }],
      sendAllVariables: true,
      responseMapping: [
        { path: 'data.genres.flatMap(item => item.name)', variableId: 'vx0bbqzug4vk3zpc31ly8k7al' },
        { path: 'data.genres.flatMap(item => item.id)', variableId: 'vwc00rydyp035vtb0nlaqyzwr' },
      ],
      timeoutMs: 10_000,
    });
    const webhook = imported(corpusFlow('fixture-viewer-webhook.json')).flow;
    const custom = blocks(webhook).find((b) => b.type === 'httpRequest' && b.options.body?.includes('"age"'));
    expect(custom).toMatchObject({ options: { method: 'POST', sendAllVariables: false } });
  });

  it('drops static choice items Typebot ignores and types list variables', () => {
    const { flow } = imported(corpusFlow('template-movie-recommendation.json'));
    const genreChoice = blockById(flow, 'nwuk2clo78hmnh4d0g31u9xg', 'choiceInput');
    expect(genreChoice.items).toEqual([]);
    expect(genreChoice.options.dynamicItems).toEqual({ listVariableId: 'vx0bbqzug4vk3zpc31ly8k7al' });
    expect(flow.variables.find((v) => v.id === 'vx0bbqzug4vk3zpc31ly8k7al')?.type).toBe('list');
    expect(flow.variables.find((v) => v.name === 'API Key')?.type).toBe('string');
  });

  it('maps a link to the same bot as a jump and to another bot as a link', () => {
    const quiz = imported(corpusFlow('template-quiz.json')).flow;
    expect(blockById(quiz, 'cl1r15f87005g2e6dp3srll8r', 'jump').options).toEqual({
      groupId: 'cl1r09bc6000h2e6dqml18p4p',
    });
    const main = imported(corpusFlow('fixture-viewer-chat-main.json'));
    expect(blockById(main.flow, 'clauuq2l6001d3b6qyltfcvgb', 'linkBot').options).toEqual({
      chatbotPublicId: 'chat-sub-bot',
      groupId: 'clauupd6q00183b6qcm8qbz62',
      mergeVariables: false,
    });
    expect(main.report.warnings.join()).toContain('chat-sub-bot');
  });

  it('maps OpenAI blocks (legacy and forged) to chat completions', () => {
    const legacy = imported(corpusFlow('template-lead-gen-ai.json')).flow;
    const chat = blockById(legacy, 'dc58mxvcstc2rdwnlg4yd2aa', 'openAiChat');
    expect(chat.options.model).toBe('gpt-3.5-turbo');
    expect(chat.options.messages).toHaveLength(6);
    expect(chat.options.messages[5]).toEqual({
      role: 'dialogue',
      variableId: 'vi5ta5lktses2h6skf5ky2zs0',
      startsBy: 'assistant',
    });
    expect(chat.options.responseMapping).toEqual([
      { value: 'messageContent', variableId: 'vpvkbogoj3rmogz0ssh5odmnn' },
    ]);
    const forged = imported(corpusFlow('template-basic-chat-gpt.json')).flow;
    expect(blockById(forged, 'p4q3wbk4wcw818qocrvu7dxs', 'openAiChat').options).toMatchObject({
      model: 'gpt-4o-mini',
      messages: [{ role: 'dialogue', variableId: 'vabkycu0qqff5d6ar2ama16pf', startsBy: 'user' }],
    });
  });

  it('keeps reply events with the variables they fill', () => {
    const { flow } = imported(corpusFlow('fixture-viewer-reply-event.json'));
    expect(flow.events[1]).toEqual({
      id: 'yyfuin7bzyr7daftpabkqh6y',
      type: 'reply',
      position: { x: -114, y: 807 },
      contentVariableId: 'vp05xutnjxadoep6a2bqv4pa6',
      inputNameVariableId: 'vdja7y9552cf64u4zvlgxgr3h',
      inputTypeVariableId: 'vqjrm6ccgg660fs55gx2r1nef',
    });
  });

  it('drops edges no exit owns and links to missing edges, and says so', () => {
    const orphans = imported(corpusFlow('template-openai-conditions.json'));
    expect(orphans.flow.edges.map((e) => e.id)).not.toContain('h5sk58j0ryrxmfv4gmw7r4dw');
    expect(orphans.report.warnings).toContain(
      'edge "h5sk58j0ryrxmfv4gmw7r4dw" is not attached to any block, item or event of the export; dropped',
    );
    const missing = imported(corpusFlow('fixture-viewer-return.json'));
    expect(missing.report.warnings.join()).toContain('"4tYbERpi5Po4goVgt6rWXg", which is not in the export');
  });
});
