import { insertConversation } from './support/conversations';
import { addMember, register, type Account } from './support/identity';
import { startTestApp, type TestApp } from './support/test-app';

describe('contacts', () => {
  let t: TestApp;
  let admin: Account;
  let agent: Account;
  let viewer: Account;
  let other: Account;
  const as = (who: Account) => ({ token: who.accessToken });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await register(t, { organizationName: 'Contacts Org' });
    agent = await addMember(t, admin, 'agent');
    viewer = await addMember(t, admin, 'viewer');
    other = await register(t, { organizationName: 'Other Contacts Org' });
    for (const definition of [
      { key: 'plan', label: 'Plan', type: 'list', options: ['free', 'pro'] },
      { key: 'seats', label: 'Seats', type: 'number' },
      { key: 'renewal', label: 'Renewal', type: 'date' },
      { key: 'vip', label: 'VIP', type: 'boolean' },
      { key: 'company', label: 'Company', type: 'text' },
    ]) {
      const res = await t.request('POST', '/api/v1/contact-attributes', { ...as(admin), body: definition });
      expect(res.status).toBe(201);
    }
  });
  afterAll(() => t.close());

  describe('profiles', () => {
    it('creates a contact with an E.164 phone, a normalized email and typed attributes', async () => {
      const res = await t.request('POST', '/api/v1/contacts', {
        ...as(agent),
        body: {
          name: 'Grace Hopper',
          email: ' Grace@Navy.MIL ',
          phone: '+1 (415) 555-0100',
          attributes: { plan: 'pro', seats: 12, renewal: '2027-01-31', vip: true, company: 'Navy' },
        },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name: 'Grace Hopper',
        email: 'Grace@navy.mil',
        phone: '+14155550100',
        attributes: { plan: 'pro', seats: 12, renewal: '2027-01-31', vip: true, company: 'Navy' },
        lifecycleStage: 'lead',
        leadScore: 0,
        blocked: false,
        source: 'api',
        conversationCount: 0,
        tagIds: [],
      });
      const [row] = await t.sql<{ phone: string }>('SELECT phone FROM contacts WHERE id = $1', [res.body.id]);
      expect(row!.phone).toBe('+14155550100');
    });

    it('reads a national phone in the default country, and refuses an invalid one naming phone', async () => {
      const settings = await t.request('PUT', '/api/v1/contact-settings', {
        ...as(admin),
        body: { defaultCountry: 'GB' },
      });
      expect(settings.status).toBe(200);
      const ok = await t.request('POST', '/api/v1/contacts', { ...as(agent), body: { phone: '020 7946 0958' } });
      expect(ok.status).toBe(201);
      expect(ok.body.phone).toBe('+442079460958');
      const bad = await t.request('POST', '/api/v1/contacts', { ...as(agent), body: { phone: '12' } });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'phone' })]);
    });

    it('refuses attribute values of the wrong type or unknown keys, naming attributes.<key>', async () => {
      const res = await t.request('POST', '/api/v1/contacts', {
        ...as(agent),
        body: { name: 'Bad', attributes: { seats: 'many', plan: 'gold', renewal: '2027-02-30', nope: 1 } },
      });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'attributes.nope',
        'attributes.plan',
        'attributes.renewal',
        'attributes.seats',
      ]);
      const stage = await t.request('POST', '/api/v1/contacts', { ...as(agent), body: { lifecycleStage: 'martian' } });
      expect(stage.status).toBe(400);
      expect(stage.body.errors[0].field).toBe('lifecycleStage');
    });

    it('answers 409 naming the contact that holds the email or phone (case-insensitive email)', async () => {
      const first = await t.request('POST', '/api/v1/contacts', {
        ...as(agent),
        body: { name: 'Dup', email: 'dup@example.com', phone: '+14155550111' },
      });
      const email = await t.request('POST', '/api/v1/contacts', { ...as(agent), body: { email: 'DUP@example.com' } });
      expect(email.status).toBe(409);
      expect(email.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(email.body).toMatchObject({
        code: 'contact.duplicate',
        field: 'email',
        conflictingContactId: first.body.id,
      });
      const phone = await t.request('POST', '/api/v1/contacts', { ...as(agent), body: { phone: '+1 415 555 0111' } });
      expect(phone.status).toBe(409);
      expect(phone.body).toMatchObject({ field: 'phone', conflictingContactId: first.body.id });
      const second = await t.request('POST', '/api/v1/contacts', {
        ...as(agent),
        body: { email: 'second@example.com' },
      });
      const update = await t.request('PATCH', `/api/v1/contacts/${second.body.id}`, {
        ...as(agent),
        body: { email: 'Dup@Example.com' },
      });
      expect(update.status).toBe(409);
      expect(update.body.conflictingContactId).toBe(first.body.id);
      // Another organization may have the same email.
      const elsewhere = await t.request('POST', '/api/v1/contacts', {
        ...as(other),
        body: { email: 'dup@example.com' },
      });
      expect(elsewhere.status).toBe(201);
    });

    it('updates attributes by merging (null removes) and replaces tags; others see 404', async () => {
      const tag = await t.request('POST', '/api/v1/tags', {
        ...as(agent),
        body: { name: 'Partner', color: '#112233' },
      });
      const created = await t.request('POST', '/api/v1/contacts', {
        ...as(agent),
        body: { name: 'Ed', attributes: { plan: 'free', seats: 1 } },
      });
      const updated = await t.request('PATCH', `/api/v1/contacts/${created.body.id}`, {
        ...as(agent),
        body: { attributes: { seats: null, vip: false }, tagIds: [tag.body.id], leadScore: 40 },
      });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({
        attributes: { plan: 'free', vip: false },
        tagIds: [tag.body.id],
        leadScore: 40,
      });
      expect(updated.body.attributes).not.toHaveProperty('seats');
      const foreignTag = await t.request('POST', '/api/v1/tags', { ...as(other), body: { name: 'Theirs' } });
      const withForeign = await t.request('PATCH', `/api/v1/contacts/${created.body.id}`, {
        ...as(agent),
        body: { tagIds: [foreignTag.body.id] },
      });
      expect(withForeign.status).toBe(400);
      expect(withForeign.body.errors[0].field).toBe('tagIds');
      for (const [method, path] of [
        ['GET', `/api/v1/contacts/${created.body.id}`],
        ['PATCH', `/api/v1/contacts/${created.body.id}`],
        ['GET', `/api/v1/tags/${tag.body.id}`],
        ['GET', `/api/v1/contacts/${created.body.id}/consents`],
      ] as const) {
        const res = await t.request(method, path, {
          ...as(other),
          body: method === 'PATCH' ? { name: 'x' } : undefined,
        });
        expect(res.status).toBe(404);
      }
    });

    it('refuses duplicate tag names case-insensitively', async () => {
      await t.request('POST', '/api/v1/tags', { ...as(agent), body: { name: 'Churn risk' } });
      const again = await t.request('POST', '/api/v1/tags', { ...as(agent), body: { name: 'CHURN RISK' } });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('tag.name_taken');
    });
  });

  describe('consent', () => {
    it('appends to the history, keeps the current state per channel, and filters by opt-in', async () => {
      const c = await t.request('POST', '/api/v1/contacts', { ...as(agent), body: { name: 'Consenting Carl' } });
      const yes = await t.request('POST', `/api/v1/contacts/${c.body.id}/consents`, {
        ...as(agent),
        body: {
          channel: 'email',
          status: 'opt_in',
          source: 'form',
          evidence: 'Ticked the newsletter box',
          ip: '203.0.113.9',
        },
      });
      expect(yes.status).toBe(201);
      expect(yes.body).toMatchObject({ channel: 'email', status: 'opt_in', recordedBy: agent.userId });
      const sms = await t.request('POST', `/api/v1/contacts/${c.body.id}/consents`, {
        ...as(agent),
        body: { channel: 'sms', status: 'opt_in', source: 'chat' },
      });
      expect(sms.status).toBe(201);
      let optedIn = await t.request('GET', '/api/v1/contacts?optIn=email', as(viewer));
      expect(optedIn.body.items.map((x: { id: string }) => x.id)).toEqual([c.body.id]);
      await t.request('POST', `/api/v1/contacts/${c.body.id}/consents`, {
        ...as(agent),
        body: { channel: 'email', status: 'opt_out', source: 'unsubscribe link' },
      });
      optedIn = await t.request('GET', '/api/v1/contacts?optIn=email', as(viewer));
      expect(optedIn.body.items).toEqual([]);
      const contact = await t.request('GET', `/api/v1/contacts/${c.body.id}`, as(viewer));
      expect(contact.body.consents).toMatchObject({
        email: { status: 'opt_out', source: 'unsubscribe link' },
        sms: { status: 'opt_in', source: 'chat' },
      });
      const history = await t.request('GET', `/api/v1/contacts/${c.body.id}/consents`, as(viewer));
      expect(history.body.items.map((h: { channel: string; status: string }) => `${h.channel}:${h.status}`)).toEqual([
        'email:opt_out',
        'sms:opt_in',
        'email:opt_in',
      ]);
      expect(history.body.items[2]).toMatchObject({ evidence: 'Ticked the newsletter box', ip: '203.0.113.9' });
      const viewerWrite = await t.request('POST', `/api/v1/contacts/${c.body.id}/consents`, {
        ...as(viewer),
        body: { channel: 'web', status: 'opt_in', source: 'x' },
      });
      expect(viewerWrite.status).toBe(403);
    });
  });

  describe('search, filters and pages', () => {
    let org: Account;
    let vipTag: string;
    let euTag: string;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      org = await register(t, { organizationName: 'Search Org' });
      await t.request('POST', '/api/v1/contact-attributes', {
        ...as(org),
        body: { key: 'plan', label: 'Plan', type: 'list', options: ['free', 'pro'] },
      });
      await t.request('POST', '/api/v1/contact-attributes', {
        ...as(org),
        body: { key: 'seats', label: 'Seats', type: 'number' },
      });
      vipTag = (await t.request('POST', '/api/v1/tags', { ...as(org), body: { name: 'VIP' } })).body.id;
      euTag = (await t.request('POST', '/api/v1/tags', { ...as(org), body: { name: 'EU' } })).body.id;
      const people = [
        {
          key: 'ann',
          name: 'Ann Smith',
          email: 'ann@acme.test',
          phone: '+14155550101',
          attributes: { plan: 'pro', seats: 5 },
          tagIds: [vipTag, euTag],
        },
        {
          key: 'bob',
          name: 'Bob Smithers',
          email: 'bob@beta.test',
          phone: '+442079460001',
          attributes: { plan: 'free', seats: 1 },
          tagIds: [vipTag],
        },
        {
          key: 'cat',
          name: 'Cat Jones',
          email: 'cat@acme.test',
          attributes: { plan: 'pro', seats: 50 },
          tagIds: [euTag],
          lifecycleStage: 'customer',
        },
        { key: 'dan', name: 'Dan Brown', email: 'dan@gamma.test', blocked: true },
      ];
      for (const { key, ...body } of people) {
        const res = await t.request('POST', '/api/v1/contacts', { ...as(org), body });
        expect(res.status).toBe(201);
        ids[key] = res.body.id;
      }
      await t.sql(`UPDATE contacts SET last_seen_at = now() - interval '2 days' WHERE id = $1`, [ids.ann]);
      await t.sql(`UPDATE contacts SET last_seen_at = now() - interval '20 days' WHERE id = $1`, [ids.cat]);
    });

    const names = async (query: string): Promise<string[]> => {
      const res = await t.request('GET', `/api/v1/contacts?${query}`, as(org));
      expect(res.status).toBe(200);
      return res.body.items.map((c: { name: string }) => c.name).sort();
    };

    it('searches name/email/phone prefixes and words of name and attributes', async () => {
      expect(await names('search=ann')).toEqual(['Ann Smith']);
      expect(await names('search=smi')).toEqual(['Ann Smith', 'Bob Smithers']);
      expect(await names('search=cat%40acme')).toEqual(['Cat Jones']);
      expect(await names(`search=${encodeURIComponent('+44 20 7946')}`)).toEqual(['Bob Smithers']);
      expect(await names('search=pro')).toEqual(['Ann Smith', 'Cat Jones']);
      expect(await names('search=pro%205')).toEqual(['Ann Smith']);
      expect(await names('search=smi%205')).toEqual(['Ann Smith']);
      expect(await names('search=smi%2050')).toEqual([]);
      expect(await names('search=%25')).toEqual([]);
      expect(await names(`search=${encodeURIComponent("a' OR 1=1 --")}`)).toEqual([]);
    });

    it('filters by tags (any, all), lifecycle, attributes (typed), blocked and last seen', async () => {
      expect(await names(`tags=${vipTag}`)).toEqual(['Ann Smith', 'Bob Smithers']);
      expect(await names(`tags=${vipTag},${euTag}`)).toEqual(['Ann Smith', 'Bob Smithers', 'Cat Jones']);
      expect(await names(`tagsAll=${vipTag}&tagsAll=${euTag}`)).toEqual(['Ann Smith']);
      expect(await names('lifecycle=customer')).toEqual(['Cat Jones']);
      expect(await names('attributes[plan]=pro')).toEqual(['Ann Smith', 'Cat Jones']);
      expect(await names('attributes[seats]=5')).toEqual(['Ann Smith']);
      expect(await names('attributes[seats]=5.0')).toEqual(['Ann Smith']);
      expect(await names('blocked=true')).toEqual(['Dan Brown']);
      const week = new Date(Date.now() - 7 * 86_400_000).toISOString();
      expect(await names(`lastSeenFrom=${week}`)).toEqual(['Ann Smith']);
      expect(await names(`lastSeenTo=${week}`)).toEqual(['Cat Jones']);
      const bad = await t.request('GET', '/api/v1/contacts?attributes[seats]=many&attributes[nope]=1', as(org));
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'attributes.nope',
        'attributes.seats',
      ]);
    });

    it('pages with a keyset cursor, newest first or last seen first', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await t.request(
          'GET',
          `/api/v1/contacts?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
          as(org),
        );
        seen.push(...res.body.items.map((c) => c.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([ids.dan, ids.cat, ids.bob, ids.ann]);
      const bySeen: string[] = [];
      cursor = null;
      do {
        const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await t.request(
          'GET',
          `/api/v1/contacts?sort=lastSeenAt&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
          as(org),
        );
        bySeen.push(...res.body.items.map((c) => c.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(bySeen).toEqual([ids.ann, ids.cat, ids.dan, ids.bob]);
      const bad = await t.request('GET', '/api/v1/contacts?cursor=nope', as(org));
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('cursor');
    });

    it('saves segments with a live count and a preview; tenant-scoped', async () => {
      const seg = await t.request('POST', '/api/v1/segments', {
        ...as(org),
        body: { name: 'Pro users', filter: { attributes: { plan: 'pro' } } },
      });
      expect(seg.status).toBe(201);
      expect((await t.request('GET', `/api/v1/segments/${seg.body.id}/count`, as(org))).body).toEqual({ count: 2 });
      await t.request('PATCH', `/api/v1/contacts/${ids.bob}`, { ...as(org), body: { attributes: { plan: 'pro' } } });
      expect((await t.request('GET', `/api/v1/segments/${seg.body.id}/count`, as(org))).body).toEqual({ count: 3 });
      const preview = await t.request('GET', `/api/v1/segments/${seg.body.id}/preview?limit=2`, as(org));
      expect(preview.body.items.map((c: { id: string }) => c.id)).toEqual([ids.cat, ids.bob]);
      const badFilter = await t.request('POST', '/api/v1/segments', {
        ...as(org),
        body: { name: 'Broken', filter: { attributes: { nope: 'x' } } },
      });
      expect(badFilter.status).toBe(400);
      expect(badFilter.body.errors[0].field).toBe('attributes.nope');
      const dup = await t.request('POST', '/api/v1/segments', { ...as(org), body: { name: 'PRO USERS', filter: {} } });
      expect(dup.status).toBe(409);
      const dated = await t.request('POST', '/api/v1/segments', {
        ...as(org),
        body: { name: 'Seen this week', filter: { lastSeenFrom: new Date(Date.now() - 7 * 86_400_000).toISOString() } },
      });
      expect((await t.request('GET', `/api/v1/segments/${dated.body.id}/count`, as(org))).body).toEqual({ count: 1 });
      expect((await t.request('GET', `/api/v1/segments/${seg.body.id}/count`, as(other))).status).toBe(404);
      expect((await t.request('GET', `/api/v1/segments/${seg.body.id}/preview`, as(other))).status).toBe(404);
    });

    it('exports the CSV of a filter or a segment, attribute columns included', async () => {
      const res = await t.request('GET', `/api/v1/contacts/export.csv?tags=${vipTag}`, as(org));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/csv/);
      const lines = res.text.trim().split('\n');
      expect(lines[0]).toContain('attribute_plan');
      expect(lines[0]).toContain('attribute_seats');
      expect(lines).toHaveLength(3);
      expect(res.text).toContain('Ann Smith');
      expect(res.text).toContain('+14155550101');
      expect(res.text).not.toContain('Cat Jones');
      const seg = await t.request('POST', '/api/v1/segments', {
        ...as(org),
        body: { name: 'Blocked', filter: { blocked: true } },
      });
      const bySegment = await t.request('GET', `/api/v1/contacts/export.csv?segmentId=${seg.body.id}`, as(org));
      expect(bySegment.text.trim().split('\n')).toHaveLength(2);
      expect(bySegment.text).toContain('Dan Brown');
      expect((await t.request('GET', `/api/v1/contacts/export.csv?segmentId=${seg.body.id}`, as(other))).status).toBe(
        404,
      );
    });
  });

  describe('bulk actions', () => {
    it('tags, untags and erases by filter or ids, set-based, with roles', async () => {
      const org = await register(t, { organizationName: 'Bulk Org' });
      const orgAgent = await addMember(t, org, 'agent');
      const tag = (await t.request('POST', '/api/v1/tags', { ...as(org), body: { name: 'Wave' } })).body.id;
      const made: string[] = [];
      for (const name of ['Bulk A', 'Bulk B', 'Other C']) {
        made.push((await t.request('POST', '/api/v1/contacts', { ...as(org), body: { name } })).body.id);
      }
      const tagged = await t.request('POST', '/api/v1/contacts/bulk', {
        ...as(orgAgent),
        body: { action: 'tag', filter: { search: 'bulk' }, tagIds: [tag] },
      });
      expect(tagged.status).toBe(200);
      expect(tagged.body).toEqual({ action: 'tag', matched: 2, affected: 2 });
      const again = await t.request('POST', '/api/v1/contacts/bulk', {
        ...as(orgAgent),
        body: { action: 'tag', filter: { search: 'bulk' }, tagIds: [tag] },
      });
      expect(again.body).toEqual({ action: 'tag', matched: 2, affected: 0 });
      const untag = await t.request('POST', '/api/v1/contacts/bulk', {
        ...as(orgAgent),
        body: { action: 'untag', ids: [made[0]], tagIds: [tag] },
      });
      expect(untag.body).toEqual({ action: 'untag', matched: 1, affected: 1 });
      const tagIdsOf = async (id: string) =>
        (await t.sql<{ tag_ids: string[] }>('SELECT tag_ids::text[] AS tag_ids FROM contacts WHERE id = $1', [id]))[0]!
          .tag_ids;
      expect(await tagIdsOf(made[0]!)).toEqual([]);
      expect(await tagIdsOf(made[1]!)).toEqual([tag]);
      expect(await tagIdsOf(made[2]!)).toEqual([]);
      const agentDelete = await t.request('POST', '/api/v1/contacts/bulk', {
        ...as(orgAgent),
        body: { action: 'delete', filter: { tags: [tag] }, reason: 'cleanup' },
      });
      expect(agentDelete.status).toBe(403);
      const noReason = await t.request('POST', '/api/v1/contacts/bulk', {
        ...as(org),
        body: { action: 'delete', filter: { tags: [tag] } },
      });
      expect(noReason.status).toBe(400);
      const erased = await t.request('POST', '/api/v1/contacts/bulk', {
        ...as(org),
        body: { action: 'delete', filter: { tags: [tag] }, reason: 'cleanup' },
      });
      expect(erased.body).toEqual({ action: 'delete', matched: 1, affected: 1 });
      const left = await t.request('GET', '/api/v1/contacts', as(org));
      expect(left.body.items.map((c: { name: string }) => c.name).sort()).toEqual(['Bulk A', 'Other C']);
      const audit = await t.sql<{ contact_id: string; reason: string }>(
        'SELECT contact_id, reason FROM contact_erasures WHERE organization_id = $1',
        [org.organizationId],
      );
      expect(audit).toEqual([{ contact_id: made[1], reason: 'cleanup' }]);
      // Another organization's ids match nothing.
      const foreign = await t.request('POST', '/api/v1/contacts/bulk', {
        ...as(other),
        body: { action: 'tag', ids: made, tagIds: [] },
      });
      expect(foreign.body.matched).toBe(0);
      const neither = await t.request('POST', '/api/v1/contacts/bulk', {
        ...as(org),
        body: { action: 'tag', tagIds: [] },
      });
      expect(neither.status).toBe(400);
    });
  });

  describe('merge', () => {
    it("moves the source's conversations, sessions, tags and consents to the target, then deletes it", async () => {
      const org = await register(t, { organizationName: 'Merge Org' });
      await t.request('POST', '/api/v1/contact-attributes', {
        ...as(org),
        body: { key: 'company', label: 'Company', type: 'text' },
      });
      await t.request('POST', '/api/v1/contact-attributes', {
        ...as(org),
        body: { key: 'city', label: 'City', type: 'text' },
      });
      const t1 = (await t.request('POST', '/api/v1/tags', { ...as(org), body: { name: 'One' } })).body.id;
      const t2 = (await t.request('POST', '/api/v1/tags', { ...as(org), body: { name: 'Two' } })).body.id;
      const target = await t.request('POST', '/api/v1/contacts', {
        ...as(org),
        body: { name: 'Tara', email: 'tara@example.com', attributes: { company: 'Acme', city: '' }, tagIds: [t1] },
      });
      const source = await t.request('POST', '/api/v1/contacts', {
        ...as(org),
        body: {
          phone: '+14155550199',
          email: 'tara.other@example.com',
          attributes: { company: 'Old Co', city: 'Paris' },
          tagIds: [t1, t2],
          leadScore: 70,
        },
      });
      await t.request('POST', `/api/v1/contacts/${source.body.id}/consents`, {
        ...as(org),
        body: { channel: 'whatsapp', status: 'opt_in', source: 'chat' },
      });
      const conversations: string[] = [];
      for (let i = 0; i < 2; i++) {
        const id = await insertConversation(t, { organizationId: org.organizationId });
        await t.sql('UPDATE conversations SET contact_id = $2 WHERE id = $1', [id, source.body.id]);
        conversations.push(id);
      }
      const own = await insertConversation(t, { organizationId: org.organizationId });
      await t.sql('UPDATE conversations SET contact_id = $2 WHERE id = $1', [own, target.body.id]);
      expect((await t.request('GET', `/api/v1/contacts/${source.body.id}`, as(org))).body.conversationCount).toBe(2);

      const foreign = await t.request('POST', `/api/v1/contacts/${target.body.id}/merge`, {
        ...as(other),
        body: { sourceId: source.body.id },
      });
      expect(foreign.status).toBe(404);
      const otherContact = await t.request('POST', '/api/v1/contacts', { ...as(other), body: { name: 'Foreign' } });
      const cross = await t.request('POST', `/api/v1/contacts/${target.body.id}/merge`, {
        ...as(org),
        body: { sourceId: otherContact.body.id },
      });
      expect(cross.status).toBe(404);
      const self = await t.request('POST', `/api/v1/contacts/${target.body.id}/merge`, {
        ...as(org),
        body: { sourceId: target.body.id },
      });
      expect(self.status).toBe(400);

      const merged = await t.request('POST', `/api/v1/contacts/${target.body.id}/merge`, {
        ...as(org),
        body: { sourceId: source.body.id },
      });
      expect(merged.status).toBe(200);
      expect(merged.body).toMatchObject({
        id: target.body.id,
        name: 'Tara',
        email: 'tara@example.com',
        phone: '+14155550199',
        attributes: { company: 'Acme', city: 'Paris' },
        leadScore: 70,
        conversationCount: 3,
        consents: { whatsapp: { status: 'opt_in' } },
      });
      expect([...merged.body.tagIds].sort()).toEqual([t1, t2].sort());
      expect((await t.request('GET', `/api/v1/contacts/${source.body.id}`, as(org))).status).toBe(404);
      const moved = await t.sql<{ contact_id: string }>('SELECT contact_id FROM conversations WHERE id = ANY($1)', [
        conversations,
      ]);
      expect(moved.map((m) => m.contact_id)).toEqual([target.body.id, target.body.id]);
      const history = await t.request('GET', `/api/v1/contacts/${target.body.id}/consents`, as(org));
      expect(history.body.items).toHaveLength(1);
    });
  });

  describe('roles', () => {
    it('viewer reads, agent edits, org_admin erases, merges, exports and defines attributes', async () => {
      const c = (await t.request('POST', '/api/v1/contacts', { ...as(admin), body: { name: 'Matrix' } })).body.id;
      const s = (await t.request('POST', '/api/v1/contacts', { ...as(admin), body: { name: 'Matrix source' } })).body
        .id;
      const cases: { method: string; path: string; body?: unknown; min: 'viewer' | 'agent' | 'org_admin' }[] = [
        { method: 'GET', path: '/api/v1/contacts', min: 'viewer' },
        { method: 'GET', path: `/api/v1/contacts/${c}`, min: 'viewer' },
        { method: 'GET', path: '/api/v1/tags', min: 'viewer' },
        { method: 'GET', path: '/api/v1/segments', min: 'viewer' },
        { method: 'GET', path: '/api/v1/contact-attributes', min: 'viewer' },
        { method: 'GET', path: '/api/v1/contact-settings', min: 'viewer' },
        { method: 'POST', path: '/api/v1/contacts', body: { name: 'New' }, min: 'agent' },
        { method: 'PATCH', path: `/api/v1/contacts/${c}`, body: { leadScore: 1 }, min: 'agent' },
        { method: 'POST', path: '/api/v1/tags', body: { name: `Tag ${Math.random()}` }, min: 'agent' },
        { method: 'POST', path: '/api/v1/segments', body: { name: `Seg ${Math.random()}`, filter: {} }, min: 'agent' },
        { method: 'POST', path: '/api/v1/contacts/bulk', body: { action: 'tag', ids: [c], tagIds: [] }, min: 'agent' },
        { method: 'GET', path: '/api/v1/contacts/export.csv', min: 'org_admin' },
        {
          method: 'POST',
          path: '/api/v1/contact-attributes',
          body: { key: `k${Math.floor(Math.random() * 1e9)}`, label: 'K', type: 'text' },
          min: 'org_admin',
        },
        { method: 'PUT', path: '/api/v1/contact-settings', body: {}, min: 'org_admin' },
      ];
      const rank = { viewer: 0, agent: 1, org_admin: 2 } as const;
      const got: string[] = [];
      const want: string[] = [];
      for (const testCase of cases) {
        for (const [role, actor] of [
          ['viewer', viewer],
          ['agent', agent],
          ['org_admin', admin],
        ] as const) {
          // Names and keys unique per call (tags, segments and attribute keys are unique per organization).
          const unique = `${role}${Math.floor(Math.random() * 1e9)}`;
          const body =
            testCase.method !== 'POST'
              ? testCase.body
              : testCase.path.endsWith('/contacts')
                ? { name: `New ${unique}` }
                : testCase.path.endsWith('/contact-attributes')
                  ? { key: `k_${unique}`, label: 'K', type: 'text' }
                  : testCase.path.endsWith('/tags')
                    ? { name: `Tag ${unique}` }
                    : testCase.path.endsWith('/segments')
                      ? { name: `Seg ${unique}`, filter: {} }
                      : testCase.body;
          const res = await t.request(testCase.method, testCase.path, { ...as(actor), body });
          got.push(`${role} ${testCase.method} ${testCase.path}: ${res.status < 300 ? 'allowed' : res.status}`);
          want.push(
            `${role} ${testCase.method} ${testCase.path}: ${rank[role] >= rank[testCase.min] ? 'allowed' : 403}`,
          );
        }
      }
      expect(got).toEqual(want);
      for (const who of [viewer, agent]) {
        expect((await t.request('DELETE', `/api/v1/contacts/${c}?reason=test`, as(who))).status).toBe(403);
        expect(
          (await t.request('POST', `/api/v1/contacts/${c}/merge`, { ...as(who), body: { sourceId: s } })).status,
        ).toBe(403);
      }
      expect(
        (await t.request('POST', `/api/v1/contacts/${c}/merge`, { ...as(admin), body: { sourceId: s } })).status,
      ).toBe(200);
      const noReason = await t.request('DELETE', `/api/v1/contacts/${c}`, as(admin));
      expect(noReason.status).toBe(400);
      expect(noReason.body.errors[0].field).toBe('reason');
      const erased = await t.request('DELETE', `/api/v1/contacts/${c}`, {
        ...as(admin),
        body: { reason: 'asked to be forgotten' },
      });
      expect(erased.status).toBe(200);
      expect(erased.body).toMatchObject({ contactId: c, reason: 'asked to be forgotten', removed: { contacts: 1 } });
      expect((await t.request('DELETE', `/api/v1/contacts/${c}?reason=again`, as(admin))).status).toBe(404);
    });
  });

  const namesOf = async (org: Account, query: string): Promise<string[]> => {
    const res = await t.request('GET', `/api/v1/contacts?${query}`, as(org));
    expect(res.status).toBe(200);
    return res.body.items.map((c: { name: string }) => c.name).sort();
  };

  describe('tag_ids', () => {
    const drift = async (): Promise<number> =>
      (
        await t.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM contacts c
            WHERE c.tag_ids IS DISTINCT FROM
                  ARRAY(SELECT ct.tag_id FROM contact_tags ct WHERE ct.contact_id = c.id ORDER BY ct.tag_id)`,
        )
      )[0]!.n;

    it('mirrors contact_tags exactly, sorted, on set-based inserts, updates, deletes and deleted tags', async () => {
      const org = await register(t, { organizationName: 'Tag Ids Org' });
      const tag = async (name: string): Promise<string> =>
        (await t.request('POST', '/api/v1/tags', { ...as(org), body: { name } })).body.id;
      const [a, b, c] = [await tag('A'), await tag('B'), await tag('C')];
      const x = (await t.request('POST', '/api/v1/contacts', { ...as(org), body: { name: 'X', tagIds: [c, a] } })).body;
      const y = (await t.request('POST', '/api/v1/contacts', { ...as(org), body: { name: 'Y' } })).body;
      expect(x.tagIds).toEqual([a, c].sort());
      const tagIds = async (id: string): Promise<string[]> =>
        (await t.sql<{ tag_ids: string[] }>('SELECT tag_ids::text[] AS tag_ids FROM contacts WHERE id = $1', [id]))[0]!
          .tag_ids;
      // Several contacts in one statement, as the CSV import does.
      await t.sql(
        `INSERT INTO contact_tags (organization_id, contact_id, tag_id)
         SELECT $1, id, t FROM unnest($2::uuid[]) id, unnest($3::uuid[]) t ON CONFLICT DO NOTHING`,
        [org.organizationId, [x.id, y.id], [b, c]],
      );
      expect(await tagIds(x.id)).toEqual([a, b, c].sort());
      expect(await tagIds(y.id)).toEqual([b, c].sort());
      await t.sql('UPDATE contact_tags SET contact_id = $1 WHERE contact_id = $2 AND tag_id = $3', [y.id, x.id, a]);
      expect(await tagIds(x.id)).toEqual([b, c].sort());
      expect(await tagIds(y.id)).toEqual([a, b, c].sort());
      expect((await t.request('DELETE', `/api/v1/tags/${b}`, as(org))).status).toBe(204);
      expect(await tagIds(x.id)).toEqual([c]);
      expect(await tagIds(y.id)).toEqual([a, c].sort());
      expect(await namesOf(org, `tags=${a}`)).toEqual(['Y']);
      expect(await namesOf(org, `tags=${a},${c}`)).toEqual(['X', 'Y']);
      expect(await namesOf(org, `tagsAll=${a}&tagsAll=${c}`)).toEqual(['Y']);
      await t.sql('DELETE FROM contact_tags WHERE contact_id = ANY($1::uuid[])', [[x.id, y.id]]);
      expect(await tagIds(x.id)).toEqual([]);
      expect(await tagIds(y.id)).toEqual([]);
    });

    it('no contact of any test above differs from contact_tags', async () => {
      expect(await drift()).toBe(0);
    });
  });
});
