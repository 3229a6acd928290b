import { addMember, register, type Account } from './support/identity';
import { startTestApp, type TestApp } from './support/test-app';
import { corpusFiles, corpusFlow, describeCorpus, fixture, fixtureFiles } from './support/typebot-corpus';

/** A small valid flow: start → greeting + name input → thanks. */
const greetingFlow = (greeting = 'Hello!') => ({
  schemaVersion: 1,
  events: [{ id: 'start', type: 'start' }],
  variables: [{ id: 'v_name', name: 'name' }],
  groups: [
    {
      id: 'g1',
      title: 'Welcome',
      blocks: [
        { id: 'b1', type: 'text', options: { text: greeting } },
        { id: 'b2', type: 'textInput', options: { variableId: 'v_name' } },
      ],
    },
    { id: 'g2', title: 'Thanks', blocks: [{ id: 'b3', type: 'text', options: { text: 'Thanks {{name}}' } }] },
  ],
  edges: [
    { id: 'e0', from: { eventId: 'start' }, to: { groupId: 'g1' } },
    { id: 'e1', from: { blockId: 'b2' }, to: { groupId: 'g2' } },
  ],
});

describe('chatbots and flows', () => {
  let t: TestApp;
  let admin: Account;
  let agent: Account;
  let viewer: Account;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await register(t);
    agent = await addMember(t, admin, 'agent');
    viewer = await addMember(t, admin, 'viewer');
  });
  afterAll(() => t.close());

  const create = async (body: Record<string, unknown>, token = agent.accessToken) => {
    const res = await t.request('POST', '/api/v1/chatbots', { token, body });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
    return res.body as { id: string; publicId: string; draftRevision: number };
  };

  describe('CRUD', () => {
    it('creates with default settings, reads, updates settings partially, lists, deletes (admin only)', async () => {
      const res = await t.request('POST', '/api/v1/chatbots', {
        token: agent.accessToken,
        body: {
          name: 'Support bot',
          settings: { allowedOrigins: ['https://shop.example'] },
          theme: { color: '#123456' },
        },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name: 'Support bot',
        status: 'draft',
        draftRevision: 1,
        publishedVersion: null,
        theme: { color: '#123456' },
        settings: {
          allowedOrigins: ['https://shop.example'],
          defaultLanguage: 'en',
          typingEmulation: { enabled: true },
        },
      });
      expect(res.body.publicId).toMatch(/^bot_[A-Za-z0-9]{16}$/);
      const id = res.body.id as string;

      const patched = await t.request('PATCH', `/api/v1/chatbots/${id}`, {
        token: agent.accessToken,
        body: { name: 'Support bot 2', settings: { typingEmulation: { enabled: false } } },
      });
      expect(patched.body.name).toBe('Support bot 2');
      expect(patched.body.settings).toMatchObject({
        allowedOrigins: ['https://shop.example'],
        typingEmulation: { enabled: false, speedCharsPerSecond: 33 },
      });

      const bad = await t.request('PATCH', `/api/v1/chatbots/${id}`, {
        token: agent.accessToken,
        body: { settings: { sessionExpirySeconds: 1, allowedOrigins: ['not a url'], defaultLanguage: 'english!' } },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'settings.allowedOrigins',
        'settings.defaultLanguage',
        'settings.sessionExpirySeconds',
      ]);

      const list = await t.request('GET', '/api/v1/chatbots?status=draft', { token: viewer.accessToken });
      expect(list.body.items.map((c: { id: string }) => c.id)).toContain(id);
      expect(
        (await t.request('PATCH', `/api/v1/chatbots/${id}`, { token: viewer.accessToken, body: { name: 'x' } })).status,
      ).toBe(403);
      expect((await t.request('DELETE', `/api/v1/chatbots/${id}`, { token: agent.accessToken })).status).toBe(403);
      expect((await t.request('DELETE', `/api/v1/chatbots/${id}`, { token: admin.accessToken })).status).toBe(204);
      expect((await t.request('GET', `/api/v1/chatbots/${id}`, { token: admin.accessToken })).status).toBe(404);
    });
  });

  describe('the draft flow', () => {
    it('saves with If-Match and refuses a stale save with 409 and the current revision', async () => {
      const bot = await create({ name: 'Concurrent' });
      const read = await t.request('GET', `/api/v1/chatbots/${bot.id}/flow`, { token: viewer.accessToken });
      expect(read.headers.get('etag')).toBe('"1"');

      // Two editors load revision 1; the first save wins.
      const first = await t.request('PUT', `/api/v1/chatbots/${bot.id}/flow`, {
        token: agent.accessToken,
        headers: { 'if-match': '"1"' },
        body: { flow: greetingFlow('Hi from editor A') },
      });
      expect(first.status).toBe(200);
      expect(first.body.revision).toBe(2);
      expect(first.headers.get('etag')).toBe('"2"');
      expect(first.body.problems).toEqual([]);

      const second = await t.request('PUT', `/api/v1/chatbots/${bot.id}/flow`, {
        token: admin.accessToken,
        headers: { 'if-match': '"1"' },
        body: { flow: greetingFlow('Hi from editor B') },
      });
      expect(second.status).toBe(409);
      expect(second.body).toMatchObject({ code: 'chatbot.stale_revision', currentRevision: 2 });

      const stored = await t.request('GET', `/api/v1/chatbots/${bot.id}/flow`, { token: viewer.accessToken });
      expect(stored.body.flow.groups[0].blocks[0].options.text).toBe('Hi from editor A');

      // Revision in the body works too; without any, 428.
      const viaBody = await t.request('PUT', `/api/v1/chatbots/${bot.id}/flow`, {
        token: agent.accessToken,
        body: { flow: greetingFlow('Third'), revision: 2 },
      });
      expect(viaBody.body.revision).toBe(3);
      const none = await t.request('PUT', `/api/v1/chatbots/${bot.id}/flow`, {
        token: agent.accessToken,
        body: { flow: greetingFlow() },
      });
      expect(none.status).toBe(428);
    });

    it('serializes concurrent saves of the same revision: exactly one wins', async () => {
      const bot = await create({ name: 'Race' });
      const saves = await Promise.all(
        [1, 2, 3, 4, 5].map((n) =>
          t.request('PUT', `/api/v1/chatbots/${bot.id}/flow`, {
            token: agent.accessToken,
            headers: { 'if-match': '1' },
            body: { flow: greetingFlow(`writer ${n}`) },
          }),
        ),
      );
      expect(saves.map((s) => s.status).sort()).toEqual([200, 409, 409, 409, 409]);
      const [row] = await t.sql<{ draft_revision: number }>('SELECT draft_revision FROM chatbots WHERE id = $1', [
        bot.id,
      ]);
      expect(row?.draft_revision).toBe(2);
    });

    it('refuses a malformed flow with the fields at fault, and keeps drafts with problems', async () => {
      const bot = await create({ name: 'Shapes' });
      const malformed = await t.request('PUT', `/api/v1/chatbots/${bot.id}/flow`, {
        token: agent.accessToken,
        headers: { 'if-match': '1' },
        body: {
          flow: { schemaVersion: 1, groups: [{ id: 'g', blocks: [{ id: 'b', type: 'teleport', options: {} }] }] },
        },
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors[0].field).toMatch(/^flow\.groups\[0\]\.blocks\[0\]/);

      const dangling = greetingFlow();
      dangling.edges.push({ id: 'e9', from: { blockId: 'b3' }, to: { groupId: 'nowhere' } });
      const saved = await t.request('PUT', `/api/v1/chatbots/${bot.id}/flow`, {
        token: agent.accessToken,
        headers: { 'if-match': '1' },
        body: { flow: dangling },
      });
      expect(saved.status).toBe(200);
      expect(saved.body.problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ code: 'edge.unknown_target', severity: 'error', edgeId: 'e9' }),
        ]),
      );
    });
    it('takes back what GET answered (read-only problems ignored), as a client that edits and saves would', async () => {
      const bot = await create({ name: 'Round trip' });
      const dangling = greetingFlow();
      dangling.edges.push({ id: 'e9', from: { blockId: 'b3' }, to: { groupId: 'nowhere' } });
      await t.request('PUT', `/api/v1/chatbots/${bot.id}/flow`, {
        token: agent.accessToken,
        headers: { 'if-match': '1' },
        body: { flow: dangling },
      });
      const read = await t.request('GET', `/api/v1/chatbots/${bot.id}/flow`, { token: agent.accessToken });
      expect(read.body.problems.length).toBeGreaterThan(0);
      const edited = { ...read.body, flow: { ...read.body.flow, edges: read.body.flow.edges.slice(0, 2) } };
      const saved = await t.request('PUT', `/api/v1/chatbots/${bot.id}/flow`, {
        token: agent.accessToken,
        body: edited,
      });
      expect(saved.status).toBe(200);
      expect(saved.body.revision).toBe(read.body.revision + 1);
      expect(saved.body.problems).toEqual([]);
      // Unknown fields other than the read-only ones are still refused.
      const extra = await t.request('PUT', `/api/v1/chatbots/${bot.id}/flow`, {
        token: agent.accessToken,
        body: { ...saved.body, colour: 'blue' },
      });
      expect(extra.status).toBe(400);
      expect(extra.body.errors).toEqual([expect.objectContaining({ field: 'colour' })]);
    });
  });

  describe('validation', () => {
    it('lists problems with block ids for the draft or a given flow', async () => {
      const bot = await create({ name: 'Validate me' });
      const problems = await t.request('POST', `/api/v1/chatbots/${bot.id}/validate`, {
        token: viewer.accessToken,
        body: {
          flow: {
            schemaVersion: 1,
            events: [{ id: 'start', type: 'start' }],
            variables: [],
            groups: [
              {
                id: 'g1',
                blocks: [
                  { id: 'in1', type: 'textInput', options: { variableId: 'missing', pattern: '(a+)+$' } },
                  { id: 'in2', type: 'textInput', options: { pattern: '([a-z' } },
                ],
              },
              { id: 'lonely', blocks: [{ id: 't', type: 'text', options: { text: 'never reached' } }] },
              { id: 'loop1', blocks: [{ id: 'j1', type: 'jump', options: { groupId: 'loop2' } }] },
              { id: 'loop2', blocks: [{ id: 'j2', type: 'jump', options: { groupId: 'loop1' } }] },
            ],
            edges: [
              { id: 'e0', from: { eventId: 'start' }, to: { groupId: 'g1' } },
              { id: 'e1', from: { blockId: 'in2' }, to: { groupId: 'loop1' } },
            ],
          },
        },
      });
      expect(problems.status).toBe(200);
      expect(problems.body.valid).toBe(false);
      const codes = problems.body.problems.map(
        (p: { code: string; blockId?: string; groupId?: string }) => `${p.code}@${p.blockId ?? p.groupId ?? ''}`,
      );
      expect(codes).toEqual(
        expect.arrayContaining([
          'variable.unknown@in1',
          'regex.invalid@in2',
          'group.unreachable@lonely',
          expect.stringMatching(/^loop\.without_input@/),
        ]),
      );
      expect(codes).toEqual(expect.arrayContaining([expect.stringMatching(/^regex\.backtracking@in1/)]));

      const draft = await t.request('POST', `/api/v1/chatbots/${bot.id}/validate`, {
        token: viewer.accessToken,
        body: {},
      });
      expect(draft.body).toMatchObject({
        valid: false,
        problems: [expect.objectContaining({ code: 'event.no_edge' })],
      });
    });
  });

  describe('publish, versions, rollback', () => {
    it('refuses to publish an invalid draft with 422 and its problems', async () => {
      const bot = await create({ name: 'Not ready' });
      const res = await t.request('POST', `/api/v1/chatbots/${bot.id}/publish`, { token: agent.accessToken, body: {} });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('chatbot.flow_invalid');
      expect(res.body.problems.length).toBeGreaterThan(0);
      expect(await t.sql('SELECT 1 FROM chatbot_versions WHERE chatbot_id = $1', [bot.id])).toHaveLength(0);
    });

    it('numbers immutable versions, lists them, and rolls back as a new number', async () => {
      const bot = await create({ name: 'Versioned', flow: greetingFlow('v1 greeting') });
      const v1 = await t.request('POST', `/api/v1/chatbots/${bot.id}/publish`, {
        token: agent.accessToken,
        body: { note: 'first' },
      });
      expect(v1.status).toBe(201);
      expect(v1.body).toMatchObject({ version: 1, live: true, note: 'first', draftRevision: 1 });

      await t.request('PUT', `/api/v1/chatbots/${bot.id}/flow`, {
        token: agent.accessToken,
        headers: { 'if-match': '1' },
        body: { flow: greetingFlow('v2 greeting') },
      });
      const v2 = await t.request('POST', `/api/v1/chatbots/${bot.id}/publish`, { token: agent.accessToken, body: {} });
      expect(v2.body.version).toBe(2);

      // Version 1 is frozen: editing the draft did not change it.
      const old = await t.request('GET', `/api/v1/chatbots/${bot.id}/versions/1`, { token: viewer.accessToken });
      expect(old.body.flow.groups[0].blocks[0].options.text).toBe('v1 greeting');
      expect(old.body.live).toBe(false);

      const rollback = await t.request('POST', `/api/v1/chatbots/${bot.id}/versions/1/rollback`, {
        token: agent.accessToken,
        body: {},
      });
      expect(rollback.status).toBe(201);
      expect(rollback.body).toMatchObject({ version: 3, rolledBackFrom: 1, live: true });
      expect(rollback.body.flow.groups[0].blocks[0].options.text).toBe('v1 greeting');

      const chatbot = await t.request('GET', `/api/v1/chatbots/${bot.id}`, { token: viewer.accessToken });
      expect(chatbot.body).toMatchObject({ status: 'published', publishedVersion: 3, latestVersion: 3 });
      // The draft keeps its edits unless restoreDraft was asked.
      const draft = await t.request('GET', `/api/v1/chatbots/${bot.id}/flow`, { token: viewer.accessToken });
      expect(draft.body.flow.groups[0].blocks[0].options.text).toBe('v2 greeting');

      const page1 = await t.request('GET', `/api/v1/chatbots/${bot.id}/versions?limit=2`, {
        token: viewer.accessToken,
      });
      expect(page1.body.items.map((v: { version: number }) => v.version)).toEqual([3, 2]);
      expect(page1.body.nextBefore).toBe(2);
      const page2 = await t.request('GET', `/api/v1/chatbots/${bot.id}/versions?limit=2&before=2`, {
        token: viewer.accessToken,
      });
      expect(page2.body).toEqual({ items: [expect.objectContaining({ version: 1 })], nextBefore: null });

      expect(
        (await t.request('GET', `/api/v1/chatbots/${bot.id}/versions/9`, { token: viewer.accessToken })).status,
      ).toBe(404);
      expect(
        (await t.request('GET', `/api/v1/chatbots/${bot.id}/versions/abc`, { token: viewer.accessToken })).status,
      ).toBe(400);
      const restore = await t.request('POST', `/api/v1/chatbots/${bot.id}/versions/2/rollback`, {
        token: agent.accessToken,
        body: { restoreDraft: true },
      });
      expect(restore.body.version).toBe(4);
      const restored = await t.request('GET', `/api/v1/chatbots/${bot.id}/flow`, { token: viewer.accessToken });
      expect(restored.body.flow.groups[0].blocks[0].options.text).toBe('v2 greeting');
      expect(restored.body.revision).toBe(3);
    });

    it('gives concurrent publishes distinct version numbers', async () => {
      const bot = await create({ name: 'Busy', flow: greetingFlow() });
      const results = await Promise.all(
        [1, 2, 3].map(() =>
          t.request('POST', `/api/v1/chatbots/${bot.id}/publish`, { token: agent.accessToken, body: {} }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
      expect(results.map((r) => r.body.version as number).sort()).toEqual([1, 2, 3]);
    });
  });

  describe('clone, archive, export and import', () => {
    it('clones within the organization with a new public id', async () => {
      const bot = await create({ name: 'Original', flow: greetingFlow('cloned text') });
      const clone = await t.request('POST', `/api/v1/chatbots/${bot.id}/clone`, { token: agent.accessToken, body: {} });
      expect(clone.status).toBe(201);
      expect(clone.body).toMatchObject({ name: 'Original (copy)', status: 'draft', draftRevision: 1 });
      expect(clone.body.publicId).not.toBe(bot.publicId);
      const flow = await t.request('GET', `/api/v1/chatbots/${clone.body.id}/flow`, { token: agent.accessToken });
      expect(flow.body.flow.groups[0].blocks[0].options.text).toBe('cloned text');
    });

    it('archives (no edits, no publishing) and unarchives', async () => {
      const bot = await create({ name: 'Old', flow: greetingFlow() });
      await t.request('POST', `/api/v1/chatbots/${bot.id}/publish`, { token: agent.accessToken, body: {} });
      const archived = await t.request('POST', `/api/v1/chatbots/${bot.id}/archive`, { token: agent.accessToken });
      expect(archived.body.status).toBe('archived');
      expect(
        (await t.request('POST', `/api/v1/chatbots/${bot.id}/publish`, { token: agent.accessToken, body: {} })).status,
      ).toBe(409);
      expect(
        (await t.request('PATCH', `/api/v1/chatbots/${bot.id}`, { token: agent.accessToken, body: { name: 'x' } })).body
          .code,
      ).toBe('chatbot.archived');
      const back = await t.request('POST', `/api/v1/chatbots/${bot.id}/unarchive`, { token: agent.accessToken });
      expect(back.body.status).toBe('published');
    });

    it('exports Parley format; importing it back gives the same flow', async () => {
      const bot = await create({ name: 'Round trip', description: 'desc', flow: greetingFlow('round') });
      const exported = await t.request('GET', `/api/v1/chatbots/${bot.id}/export`, { token: viewer.accessToken });
      expect(exported.body).toMatchObject({
        format: 'parley.flow',
        formatVersion: 1,
        name: 'Round trip',
        description: 'desc',
      });
      const imported = await t.request('POST', '/api/v1/chatbots/import', {
        token: agent.accessToken,
        body: exported.body,
      });
      expect(imported.status).toBe(201);
      const original = await t.request('GET', `/api/v1/chatbots/${bot.id}/flow`, { token: agent.accessToken });
      const copy = await t.request('GET', `/api/v1/chatbots/${imported.body.id}/flow`, { token: agent.accessToken });
      expect(copy.body.flow).toEqual(original.body.flow);
      const junk = await t.request('POST', '/api/v1/chatbots/import', {
        token: agent.accessToken,
        body: { hello: 'world' },
      });
      expect(junk.status).toBe(400);
      expect(junk.body.errors.length).toBeGreaterThan(0);
    });
  });

  describe('templates', () => {
    it('offers the built-in templates, creates a chatbot from one, and keeps organization templates private', async () => {
      const list = await t.request('GET', '/api/v1/templates', { token: viewer.accessToken });
      const builtIn = list.body.filter((x: { builtIn: boolean }) => x.builtIn);
      expect(builtIn.length).toBeGreaterThanOrEqual(3);
      for (const template of builtIn as { id: string }[]) {
        const bot = await create({ name: `From ${template.id}`, templateId: template.id });
        const published = await t.request('POST', `/api/v1/chatbots/${bot.id}/publish`, {
          token: agent.accessToken,
          body: {},
        });
        expect([template.id, published.status]).toEqual([template.id, 201]);
      }
      expect(
        (
          await t.request('POST', '/api/v1/chatbots', {
            token: agent.accessToken,
            body: { name: 'x', templateId: 'nope' },
          })
        ).status,
      ).toBe(404);

      const source = await create({ name: 'Template source', flow: greetingFlow('from my template') });
      const saved = await t.request('POST', '/api/v1/templates', {
        token: agent.accessToken,
        body: { name: 'Our greeting', category: 'support', chatbotId: source.id },
      });
      expect(saved.status).toBe(201);
      const fromOwn = await create({ name: 'From own', templateId: saved.body.id });
      const flow = await t.request('GET', `/api/v1/chatbots/${fromOwn.id}/flow`, { token: agent.accessToken });
      expect(flow.body.flow.groups[0].blocks[0].options.text).toBe('from my template');

      const stranger = await register(t);
      const theirs = await t.request('GET', '/api/v1/templates', { token: stranger.accessToken });
      expect(theirs.body.map((x: { id: string }) => x.id)).not.toContain(saved.body.id);
      expect(
        (await t.request('GET', `/api/v1/templates/${saved.body.id}`, { token: stranger.accessToken })).status,
      ).toBe(404);
      expect(
        (await t.request('DELETE', `/api/v1/templates/${saved.body.id}`, { token: admin.accessToken })).status,
      ).toBe(204);
    });
  });

  describe('Typebot import', () => {
    type Export = { groups: { blocks: { id: string; type: string }[] }[] };

    /** Imports one export through the API: every block arrives, and only unrunnable blocks fail validation. */
    async function importsWithReport(json: Export) {
      const sourceBlocks = json.groups.flatMap((g) => g.blocks).filter((b) => b.type !== 'start');
      const res = await t.request('POST', '/api/v1/chatbots/import/typebot', { token: agent.accessToken, body: json });
      expect(res.status).toBe(201);
      expect(res.body.report.blocksImported).toBe(sourceBlocks.length);
      const flow = await t.request('GET', `/api/v1/chatbots/${res.body.chatbot.id}/flow`, { token: agent.accessToken });
      const importedIds = new Set(
        flow.body.flow.groups.flatMap((g: { blocks: { id: string }[] }) => g.blocks.map((b) => b.id)),
      );
      expect(sourceBlocks.filter((b) => !importedIds.has(b.id))).toEqual([]);
      // Validation passes, or reports errors only on blocks listed as not runnable.
      const notRunnable = new Set(res.body.report.notRunnable.map((b: { blockId: string }) => b.blockId));
      const errors = flow.body.problems.filter((p: { severity: string }) => p.severity === 'error');
      expect(errors.filter((p: { blockId?: string }) => !p.blockId || !notRunnable.has(p.blockId))).toEqual([]);
      return res.body.report as { notRunnable: { blockId: string }[] };
    }

    it.each(fixtureFiles())('imports the fixture %s with a report; every block arrives', async (file) => {
      await importsWithReport(fixture<Export>(file));
    });

    it('lists the blocks it cannot run', async () => {
      const report = await importsWithReport(fixture<Export>('integrations.json'));
      expect(report.notRunnable.map((b) => b.blockId)).toEqual(expect.arrayContaining(['desk_code', 'desk_cards']));
    });

    describeCorpus('Typebot exports', () => {
      it.each(corpusFiles())('imports %s with a report; every block arrives', async (file) => {
        await importsWithReport(corpusFlow<Export>(file));
      });
    });

    it('answers 400 with what is wrong for non-Typebot documents', async () => {
      const notTypebot = await t.request('POST', '/api/v1/chatbots/import/typebot', {
        token: agent.accessToken,
        body: { name: 'x', nodes: [] },
      });
      expect(notTypebot.status).toBe(400);
      expect(notTypebot.body.errors.length).toBeGreaterThan(0);
      const malformed = await t.request('POST', '/api/v1/chatbots/import/typebot', {
        token: agent.accessToken,
        rawBody: '{"groups": [',
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe('request.malformed_json');
      expect(
        (await t.request('POST', '/api/v1/chatbots/import/typebot', { token: viewer.accessToken, body: {} })).status,
      ).toBe(403);
    });
  });
});
