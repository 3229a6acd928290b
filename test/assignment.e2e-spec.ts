import { randomUUID } from 'node:crypto';
import { asOrganizationId, type OrganizationId } from '@/access/organization-id';
import { AssignmentService } from '@/chat/assignment.service';
import { PresenceService } from '@/chat/presence.service';
import { eventually, insertConversation } from './support/conversations';
import { addMember, register, type Account } from './support/identity';
import { outboxData } from './support/outbox';
import { startTestApp, type TestApp } from './support/test-app';

describe('live chat: assignment, capacity and presence', () => {
  let t: TestApp;
  let assignment: AssignmentService;
  let presence: PresenceService;

  const as = (who: Account) => ({ token: who.accessToken });

  beforeAll(async () => {
    t = await startTestApp();
    assignment = t.app.get(AssignmentService);
    presence = t.app.get(PresenceService);
  });
  afterAll(() => t.close());

  /** An organization with `n` agents, sorted by user id (round-robin order). */
  async function team(n: number, settings?: { assignmentStrategy: string; defaultCapacity: number }) {
    const admin = await register(t);
    const agents: Account[] = [];
    for (let i = 0; i < n; i++) agents.push(await addMember(t, admin, 'agent'));
    agents.sort((a, b) => (a.userId < b.userId ? -1 : 1));
    if (settings) {
      const res = await t.request('PUT', '/api/v1/chat/settings', { ...as(admin), body: settings });
      expect(res.status).toBe(200);
    }
    return { admin, agents, org: asOrganizationId(admin.organizationId) };
  }

  /** Sets agents online and waits for the assignment that coming online triggers. */
  const online = async (org: OrganizationId, ...who: Account[]) => {
    await Promise.all(who.map((a) => presence.set(org, a.userId, 'online')));
    await assignment.idle();
  };

  const assigneeOf = async (id: string): Promise<string | null> => {
    const [row] = await t.sql<{ assignee_id: string | null }>('SELECT assignee_id FROM conversations WHERE id = $1', [
      id,
    ]);
    return row!.assignee_id;
  };

  it('keeps settings and capacities (org admins write), and lists agents with presence and load', async () => {
    const { admin, agents, org } = await team(2);
    const viewer = await addMember(t, admin, 'viewer');
    expect((await t.request('GET', '/api/v1/chat/settings', as(viewer))).body).toEqual({
      assignmentStrategy: 'round_robin',
      defaultCapacity: 5,
    });
    const body = { assignmentStrategy: 'least_busy', defaultCapacity: 3 };
    expect((await t.request('PUT', '/api/v1/chat/settings', { ...as(agents[0]!), body })).status).toBe(403);
    expect((await t.request('PUT', '/api/v1/chat/settings', { ...as(admin), body })).body).toEqual(body);
    const bad = await t.request('PUT', '/api/v1/chat/settings', {
      ...as(admin),
      body: { ...body, assignmentStrategy: 'x' },
    });
    expect(bad.status).toBe(400);

    const capacity = await t.request('PUT', `/api/v1/chat/agents/${agents[0]!.userId}/capacity`, {
      ...as(admin),
      body: { capacity: 7 },
    });
    expect(capacity.status).toBe(200);
    expect(capacity.body).toMatchObject({ userId: agents[0]!.userId, capacity: 7, openCount: 0, presence: 'offline' });
    for (const userId of [viewer.userId, randomUUID()]) {
      const res = await t.request('PUT', `/api/v1/chat/agents/${userId}/capacity`, {
        ...as(admin),
        body: { capacity: 1 },
      });
      expect(res.status).toBe(404);
    }

    await insertConversation(t, { organizationId: org, assigneeId: agents[1]!.userId });
    const put = await t.request('PUT', '/api/v1/chat/presence', { ...as(agents[1]!), body: { status: 'busy' } });
    expect(put.body).toEqual({ userId: agents[1]!.userId, status: 'busy', ttlSeconds: 60 });
    const beat = await t.request('POST', '/api/v1/chat/presence/heartbeat', as(agents[1]!));
    expect(beat.body.status).toBe('busy');
    expect(
      (await t.request('PUT', '/api/v1/chat/presence', { ...as(viewer), body: { status: 'online' } })).status,
    ).toBe(403);

    const list = await t.request('GET', '/api/v1/chat/agents', as(viewer));
    expect(list.status).toBe(200);
    const byId = new Map<string, Record<string, unknown>>(
      list.body.items.map((a: { userId: string }) => [a.userId, a] as const),
    );
    expect(byId.get(agents[0]!.userId)).toMatchObject({
      capacity: 7,
      openCount: 0,
      presence: 'offline',
      role: 'agent',
    });
    expect(byId.get(agents[1]!.userId)).toMatchObject({ capacity: 3, openCount: 1, presence: 'busy' });
    expect(byId.get(admin.userId)).toMatchObject({ role: 'org_admin' });
    expect(byId.has(viewer.userId)).toBe(false);
  });

  it('round robin cycles over the online agents in order', async () => {
    const { agents, org } = await team(3, { assignmentStrategy: 'round_robin', defaultCapacity: 10 });
    await online(org, ...agents);
    // Asserted on the stored assignees: an assignment triggered in the background (an agent coming
    // online) follows the same rule.
    const picks: (string | null)[] = [];
    for (let i = 0; i < 6; i++) {
      const id = await insertConversation(t, { organizationId: org });
      await assignment.assign(org, id);
      picks.push(await assigneeOf(id));
    }
    const [a, b, c] = agents.map((x) => x.userId);
    expect(picks).toEqual([a, b, c, a, b, c]);
    const events = await outboxData(t, 'conversation.assigned');
    const mine = events.filter((e) => picks.includes(e.assigneeId));
    expect(mine).toHaveLength(6);
    expect(mine.every((e) => e.byUserId === null && e.previousAssigneeId === null)).toBe(true);
  });

  it('least busy picks the emptiest agent', async () => {
    const { agents, org } = await team(3, { assignmentStrategy: 'least_busy', defaultCapacity: 10 });
    const [a, b, c] = agents;
    for (let i = 0; i < 3; i++) await insertConversation(t, { organizationId: org, assigneeId: a!.userId });
    await insertConversation(t, { organizationId: org, assigneeId: b!.userId });
    for (let i = 0; i < 2; i++) await insertConversation(t, { organizationId: org, assigneeId: c!.userId });
    // Resolved conversations are not load.
    for (let i = 0; i < 5; i++)
      await insertConversation(t, { organizationId: org, assigneeId: b!.userId, status: 'resolved' });
    await online(org, a!, b!, c!);
    const first = await insertConversation(t, { organizationId: org });
    await assignment.assign(org, first);
    expect(await assigneeOf(first)).toBe(b!.userId);
    // b and c now have 2 each: the tie goes on in round-robin order after b.
    const second = await insertConversation(t, { organizationId: org });
    await assignment.assign(org, second);
    expect(await assigneeOf(second)).toBe(c!.userId);
  });

  it('never exceeds capacity under 10 concurrent handoffs', async () => {
    const { agents, org } = await team(2, { assignmentStrategy: 'least_busy', defaultCapacity: 3 });
    await online(org, ...agents);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await insertConversation(t, { organizationId: org, agoSeconds: 10 - i }));
    await Promise.all(ids.map((id) => assignment.assign(org, id)));
    const load = await t.sql<{ assignee_id: string | null; n: number }>(
      `SELECT assignee_id, count(*)::int AS n FROM conversations WHERE organization_id = $1 GROUP BY assignee_id ORDER BY assignee_id`,
      [org],
    );
    expect(load).toEqual([
      { assignee_id: agents[0]!.userId, n: 3 },
      { assignee_id: agents[1]!.userId, n: 3 },
      { assignee_id: null, n: 4 },
    ]);
    // A redelivered handoff changes nothing.
    expect(await assignment.assign(org, ids[0]!)).toBeNull();
  });

  it('only assigns department members to a department conversation', async () => {
    const { admin, agents, org } = await team(2);
    const department = await t.request('POST', '/api/v1/departments', { ...as(admin), body: { name: 'Billing' } });
    await t.request('PUT', `/api/v1/departments/${department.body.id}/members/${agents[1]!.userId}`, as(admin));
    await online(org, ...agents);
    for (let i = 0; i < 3; i++) {
      const id = await insertConversation(t, { organizationId: org, departmentId: department.body.id });
      await assignment.assign(org, id);
      expect(await assigneeOf(id)).toBe(agents[1]!.userId);
    }
  });

  it('queues with nobody online, and assigns the oldest waiting when an agent comes online', async () => {
    const { agents, org } = await team(1, { assignmentStrategy: 'round_robin', defaultCapacity: 2 });
    const [agent] = agents;
    const older = await insertConversation(t, { organizationId: org, agoSeconds: 30 });
    const old = await insertConversation(t, { organizationId: org, agoSeconds: 20 });
    const newest = await insertConversation(t, { organizationId: org, agoSeconds: 10 });
    for (const id of [newest, older, old]) expect(await assignment.assign(org, id)).toBeNull();
    const list = await t.request('GET', '/api/v1/conversations?unassigned=true&status=open', as(agent!));
    expect(list.body.items.map((c: { waitingSince: string | null }) => typeof c.waitingSince)).toEqual([
      'string',
      'string',
      'string',
    ]);

    // Through REST presence (a client without a socket): coming online takes the two oldest.
    const put = await t.request('PUT', '/api/v1/chat/presence', { ...as(agent!), body: { status: 'online' } });
    expect(put.status).toBe(200);
    await eventually(async () => ((await assigneeOf(old)) ? true : undefined));
    expect(await assigneeOf(older)).toBe(agent!.userId);
    expect(await assigneeOf(newest)).toBeNull();

    // Resolving frees a seat: the next waiting one comes.
    const resolved = await t.request('POST', `/api/v1/conversations/${older}/resolve`, as(agent!));
    expect(resolved.status).toBe(200);
    await eventually(async () => ((await assigneeOf(newest)) ? true : undefined));
    expect(await assigneeOf(newest)).toBe(agent!.userId);
  });

  it('assigns on conversation.bot_handoff through the outbox subscriber', async () => {
    const { agents, org } = await team(1);
    await online(org, ...agents);
    const id = await insertConversation(t, { organizationId: org });
    await t.sql(
      `INSERT INTO outbox_events (id, type, organization_id, occurred_at, data) VALUES ($1, 'conversation.bot_handoff', $2, now(), $3)`,
      [
        randomUUID(),
        org,
        JSON.stringify({ conversationId: id, sessionId: null, chatbotId: null, departmentId: null, message: null }),
      ],
    );
    await eventually(async () => ((await assigneeOf(id)) ? true : undefined), 15_000);
    expect(await assigneeOf(id)).toBe(agents[0]!.userId);
    const lines = await t.request('GET', `/api/v1/conversations/${id}/messages`, as(agents[0]!));
    expect(lines.body.items[lines.body.items.length - 1]).toMatchObject({
      kind: 'activity',
      text: 'Assigned to A agent',
    });
  });
});
