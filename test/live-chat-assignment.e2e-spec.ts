import { randomUUID } from 'node:crypto';
import { publishChatbot } from './support/chatbots';
import { eventually } from './support/conversations';
import { handoffFlow } from './support/flows';
import { addMember, register, type Account } from './support/identity';
import { type AnySocket, closeSockets, collect, connect, next, request, sleep } from './support/sockets';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Handoff → assignment as users see it: visitors talk to a published bot (REST session start, the
 * `/visitor` socket), the bot's handoff block names a department, agents hold `/agent` sockets (their
 * presence) and act over REST. Assignment runs asynchronously (outbox dispatcher → BullMQ job
 * `chat-assignment`), so everything is awaited by polling with timeouts.
 */

interface Started {
  sessionId: string;
  sessionToken: string;
}

interface Conversation {
  id: string;
  status: string;
  assignee: { id: string; name: string } | null;
  department: { id: string; name: string } | null;
  waitingSince: string | null;
}

interface Visitor {
  readonly id: string;
  readonly socket: AnySocket;
}

interface Team {
  readonly admin: Account;
  /** Agents of the department, sorted by user id (the round-robin order), named `Agent 1…n`. */
  readonly agents: Account[];
  readonly names: Map<string, string>;
  readonly departmentId: string;
  readonly publicId: string;
}

/** Time for a handoff's assignment job to have run when nothing observable says it did (it stays waiting). */
const SETTLE_MS = 1_500;

describe('live chat: handoff → assignment, end to end', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterEach(() => closeSockets());
  afterAll(() => t.close());

  const as = (who: Account) => ({ token: who.accessToken });

  /** A member with a name of their own (set over `PATCH /users/me`). */
  async function member(admin: Account, name: string): Promise<Account> {
    const account = await addMember(t, admin, 'agent');
    const res = await t.request('PATCH', '/api/v1/users/me', { ...as(account), body: { name } });
    expect(res.status).toBe(200);
    return account;
  }

  async function department(admin: Account, name: string, members: readonly Account[]): Promise<string> {
    const created = await t.request('POST', '/api/v1/departments', { ...as(admin), body: { name } });
    expect(created.status).toBe(201);
    for (const m of members) {
      const res = await t.request('PUT', `/api/v1/departments/${created.body.id}/members/${m.userId}`, as(admin));
      expect(res.status).toBe(204);
    }
    return created.body.id as string;
  }

  /** An organization with `n` agents in one department and a published bot handing off to it. */
  async function team(n: number, settings: { assignmentStrategy: string; defaultCapacity: number }): Promise<Team> {
    const admin = await register(t, { name: 'Admin' });
    const agents: Account[] = [];
    for (let i = 0; i < n; i++) agents.push(await addMember(t, admin, 'agent'));
    agents.sort((a, b) => (a.userId < b.userId ? -1 : 1));
    const names = new Map<string, string>();
    for (const [i, a] of agents.entries()) {
      const name = `Agent ${i + 1}`;
      const res = await t.request('PATCH', '/api/v1/users/me', { ...as(a), body: { name } });
      expect(res.status).toBe(200);
      names.set(a.userId, name);
    }
    const put = await t.request('PUT', '/api/v1/chat/settings', { ...as(admin), body: settings });
    expect(put.status).toBe(200);
    const departmentId = await department(admin, 'Support', agents);
    const { publicId } = await publishChatbot(t, admin, { name: 'desk', flow: handoffFlow(departmentId) });
    return { admin, agents, names, departmentId, publicId };
  }

  /** The agents' presence as the dashboard lists it. */
  async function presenceOf(admin: Account, userId: string): Promise<string> {
    const list = await t.request('GET', '/api/v1/chat/agents', as(admin));
    expect(list.status).toBe(200);
    return (list.body.items as { userId: string; presence: string }[]).find((a) => a.userId === userId)!.presence;
  }

  /** Connects the agent's `/agent` socket and waits until the dashboard shows them `status`. */
  async function goOnline(admin: Account, agent: Account, status = 'online'): Promise<AnySocket> {
    const socket = await connect(t, '/agent', { token: agent.accessToken });
    await eventually(async () => ((await presenceOf(admin, agent.userId)) === status ? true : undefined));
    return socket;
  }

  /** A visitor of the bot with a `/visitor` socket, at the bot's first question. */
  async function visitor(publicId: string): Promise<Visitor> {
    const started = await t.request<Started>('POST', `/api/v1/bots/${publicId}/sessions`, { body: {} });
    expect(started.status).toBe(201);
    const socket = await connect(t, '/visitor', { token: started.body.sessionToken });
    return { id: started.body.sessionId, socket };
  }

  /** The visitor answers the bot's question: the bot hands off (over the socket, answer in the ack). */
  async function handOff(v: Visitor): Promise<void> {
    const ack = await request(v.socket, 'message.send', { clientMessageId: randomUUID(), text: 'I want a human' });
    expect(ack).toMatchObject({ ok: true, turn: { status: 'handoff' } });
  }

  async function conversation(admin: Account, id: string): Promise<Conversation> {
    const res = await t.request<Conversation>('GET', `/api/v1/conversations/${id}`, as(admin));
    expect(res.status).toBe(200);
    return res.body;
  }

  /** Waits until the conversation has an assignee and returns it. */
  const assigned = (admin: Account, id: string, timeoutMs = 15_000) =>
    eventually(async () => (await conversation(admin, id)).assignee ?? undefined, timeoutMs);

  const unassignedIds = async (admin: Account): Promise<string[]> => {
    const res = await t.request('GET', '/api/v1/conversations?unassigned=true&status=open', as(admin));
    expect(res.status).toBe(200);
    return (res.body.items as { id: string }[]).map((c) => c.id);
  };

  const history = async (admin: Account, id: string) => {
    const res = await t.request('GET', `/api/v1/conversations/${id}/messages`, as(admin));
    expect(res.status).toBe(200);
    return res.body.items as { kind: string; text: string | null; sender: { type: string; id?: string } }[];
  };

  it('round robin: six handoffs go A, B, C, A, B, C; the assignee, the visitor and the history know', async () => {
    const team6 = await team(3, { assignmentStrategy: 'round_robin', defaultCapacity: 10 });
    const { admin, agents, names } = team6;
    const sockets = new Map<string, AnySocket>();
    const seen = new Map<string, { conversationId: string; assigneeId: string }[]>();
    for (const a of agents) {
      const socket = await goOnline(admin, a);
      sockets.set(a.userId, socket);
      seen.set(a.userId, collect(socket, 'conversation.assigned'));
    }

    const picks: string[] = [];
    const conversations: string[] = [];
    for (let i = 0; i < 6; i++) {
      const v = await visitor(team6.publicId);
      const updated = next<{ id: string; status: string; assignee: { id: string; name: string } | null }>(
        v.socket,
        'conversation.updated',
        (u) => u.assignee !== null,
        15_000,
      );
      await handOff(v);
      const assignee = await assigned(admin, v.id);
      expect(assignee.name).toBe(names.get(assignee.id));
      // The visitor's socket hears who took it (with the name).
      expect(await updated).toEqual({ id: v.id, status: 'open', assignee: { id: assignee.id, name: assignee.name } });
      // The activity line says so in the one history.
      expect(await history(admin, v.id)).toContainEqual(
        expect.objectContaining({ kind: 'activity', text: `Assigned to ${assignee.name}` }),
      );
      picks.push(assignee.id);
      conversations.push(v.id);
    }
    // Round robin goes by user id, starting after the one assigned last (nobody yet: the first).
    const [a, b, c] = agents.map((x) => x.userId);
    expect(picks).toEqual([a, b, c, a, b, c]);

    // Each assignee's socket (room `user:<organizationId>:<id>`, also `org:<id>`) heard `conversation.assigned` for theirs.
    for (const agent of agents) {
      const mine = conversations.filter((_, i) => picks[i] === agent.userId);
      await eventually(() => {
        const heard = seen
          .get(agent.userId)!
          .filter((e) => e.assigneeId === agent.userId)
          .map((e) => e.conversationId);
        return Promise.resolve(mine.every((id) => heard.includes(id)) ? true : undefined);
      });
      expect(seen.get(agent.userId)!.find((e) => e.conversationId === mine[0])).toMatchObject({
        conversationId: mine[0],
        assigneeId: agent.userId,
        previousAssigneeId: null,
        departmentId: team6.departmentId,
        byUserId: null,
      });
    }
  });

  it('least busy: the agent with the fewest open conversations; a tie goes to the one not assigned last', async () => {
    const { admin, agents, publicId } = await team(3, { assignmentStrategy: 'least_busy', defaultCapacity: 10 });
    // Roles, not id order: A ends up with 2 open conversations, B with 0, C with 1.
    const [A, B, C] = agents as [Account, Account, Account];
    const take = async (): Promise<string> => {
      const v = await visitor(publicId);
      await handOff(v);
      return (await assigned(admin, v.id)).id;
    };
    await goOnline(admin, A);
    expect([await take(), await take()]).toEqual([A.userId, A.userId]);
    await goOnline(admin, C);
    expect(await take()).toBe(C.userId);
    await goOnline(admin, B);
    const agentsLoad = async () =>
      new Map(
        (
          (await t.request('GET', '/api/v1/chat/agents', as(admin))).body.items as {
            userId: string;
            openCount: number;
          }[]
        ).map((x) => [x.userId, x.openCount] as const),
      );
    const load = await agentsLoad();
    expect([load.get(A.userId), load.get(B.userId), load.get(C.userId)]).toEqual([2, 0, 1]);

    expect(await take()).toBe(B.userId);
    // B and C have 1 each: ties are broken in round-robin order (by user id, starting after the one
    // assigned last), so B, just assigned, comes last and C takes it — whatever their ids.
    expect(await take()).toBe(C.userId);
  });

  it('capacity: three handoffs at once with two seats; the third waits until an agent resolves theirs', async () => {
    const { admin, agents, publicId } = await team(2, { assignmentStrategy: 'round_robin', defaultCapacity: 5 });
    for (const a of agents) {
      const res = await t.request('PUT', `/api/v1/chat/agents/${a.userId}/capacity`, {
        ...as(admin),
        body: { capacity: 1 },
      });
      expect(res.status).toBe(200);
    }
    const sockets = await Promise.all(agents.map((a) => goOnline(admin, a)));
    const visitors = await Promise.all([0, 1, 2].map(() => visitor(publicId)));
    await Promise.all(visitors.map((v) => handOff(v)));

    const ids = visitors.map((v) => v.id);
    const state = async () => Promise.all(ids.map((id) => conversation(admin, id)));
    await eventually(async () => ((await state()).filter((c) => c.assignee).length === 2 ? true : undefined), 15_000);
    await sleep(SETTLE_MS);
    const now = await state();
    expect(
      now
        .filter((c) => c.assignee)
        .map((c) => c.assignee!.id)
        .sort(),
    ).toEqual(agents.map((a) => a.userId).sort());
    const waiting = now.find((c) => c.assignee === null)!;
    expect(waiting).toMatchObject({ status: 'open', assignee: null });
    expect(waiting.waitingSince).toEqual(expect.any(String));
    expect(await unassignedIds(admin)).toEqual([waiting.id]);

    // The first agent resolves theirs: the waiting one is theirs now (their socket hears it).
    const [first] = agents as [Account, Account];
    const theirs = now.find((c) => c.assignee?.id === first.userId)!;
    const heard = next(
      sockets[0]!,
      'conversation.assigned',
      (e: { conversationId: string }) => e.conversationId === waiting.id,
    );
    const resolved = await t.request('POST', `/api/v1/conversations/${theirs.id}/resolve`, as(first));
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('resolved');
    expect((await assigned(admin, waiting.id)).id).toBe(first.userId);
    expect(await heard).toMatchObject({ conversationId: waiting.id, assigneeId: first.userId });
    expect(await unassignedIds(admin)).toEqual([]);
  });

  it('queue: with nobody online handoffs wait in the department; an agent connecting takes the oldest first', async () => {
    const { admin, agents, departmentId, publicId } = await team(1, {
      assignmentStrategy: 'round_robin',
      defaultCapacity: 1,
    });
    const [agent] = agents as [Account];
    const older = await visitor(publicId);
    await handOff(older);
    await sleep(50);
    const newer = await visitor(publicId);
    await handOff(newer);
    await sleep(SETTLE_MS);
    for (const v of [older, newer]) {
      const c = await conversation(admin, v.id);
      expect(c).toMatchObject({ status: 'open', assignee: null, department: { id: departmentId, name: 'Support' } });
      expect(c.waitingSince).toEqual(expect.any(String));
    }
    expect((await unassignedIds(admin)).sort()).toEqual([older.id, newer.id].sort());

    const socket = await connect(t, '/agent', { token: agent.accessToken });
    const heard = next(socket, 'conversation.assigned', (e: { assigneeId: string }) => e.assigneeId === agent.userId);
    expect((await assigned(admin, older.id)).id).toBe(agent.userId);
    expect(await heard).toMatchObject({ conversationId: older.id });
    await sleep(SETTLE_MS);
    // Capacity 1: the newer one still waits (FIFO: the oldest waiting went first).
    expect((await conversation(admin, newer.id)).assignee).toBeNull();
  });

  it('a resolved conversation nobody took, reopened by the visitor, goes to a free agent', async () => {
    const { admin, agents, publicId } = await team(1, { assignmentStrategy: 'round_robin', defaultCapacity: 5 });
    const [agent] = agents as [Account];
    const v = await visitor(publicId);
    await handOff(v);
    await sleep(SETTLE_MS);
    const resolved = await t.request('POST', `/api/v1/conversations/${v.id}/resolve`, as(admin));
    expect(resolved.body).toMatchObject({ status: 'resolved', assignee: null });
    await goOnline(admin, agent);
    await sleep(SETTLE_MS);
    const sent = await request(v.socket, 'message.send', { clientMessageId: randomUUID(), text: 'Still there?' });
    expect(sent).toMatchObject({ ok: true });
    expect((await assigned(admin, v.id)).id).toBe(agent.userId);
    expect((await conversation(admin, v.id)).status).toBe('open');
  });

  it('never assigns to another department, another organization, or a busy agent of the department', async () => {
    const admin = await register(t, { name: 'Admin' });
    const busy = await member(admin, 'Busy Bea');
    const free = await member(admin, 'Free Fay');
    const elsewhere = await member(admin, 'Sales Sam');
    const support = await department(admin, 'Support', [busy, free]);
    await department(admin, 'Sales', [elsewhere]);
    const put = await t.request('PUT', '/api/v1/chat/settings', {
      ...as(admin),
      body: { assignmentStrategy: 'round_robin', defaultCapacity: 10 },
    });
    expect(put.status).toBe(200);
    const { publicId } = await publishChatbot(t, admin, { name: 'desk', flow: handoffFlow(support) });
    // Another organization's agent, online, with a department of the same name.
    const otherAdmin = await register(t, { name: 'Other admin' });
    const stranger = await member(otherAdmin, 'Stranger');
    await department(otherAdmin, 'Support', [stranger]);
    await goOnline(otherAdmin, stranger);
    await goOnline(admin, elsewhere);

    const busySocket = await goOnline(admin, busy);
    expect(await request(busySocket, 'presence.set', { status: 'busy' })).toEqual({ ok: true, status: 'busy' });
    expect(await presenceOf(admin, busy.userId)).toBe('busy');
    const freeSocket = await goOnline(admin, free);

    for (let i = 0; i < 3; i++) {
      const v = await visitor(publicId);
      await handOff(v);
      expect((await assigned(admin, v.id)).id).toBe(free.userId);
    }

    // The free one goes busy too: the next handoff waits, though Sam (Sales) and the stranger are online.
    expect(await request(freeSocket, 'presence.set', { status: 'busy' })).toMatchObject({ ok: true });
    const v = await visitor(publicId);
    await handOff(v);
    await sleep(SETTLE_MS);
    expect(await conversation(admin, v.id)).toMatchObject({ status: 'open', assignee: null });
    expect(await unassignedIds(admin)).toEqual([v.id]);

    // Bea comes back online: the waiting one is hers.
    expect(await request(busySocket, 'presence.set', { status: 'online' })).toMatchObject({ ok: true });
    expect((await assigned(admin, v.id)).id).toBe(busy.userId);
    const load = await t.request('GET', '/api/v1/chat/agents', as(admin));
    const open = new Map(
      (load.body.items as { userId: string; openCount: number }[]).map((x) => [x.userId, x.openCount] as const),
    );
    expect(open.get(elsewhere.userId)).toBe(0);
    const strangers = await t.request('GET', '/api/v1/chat/agents', as(otherAdmin));
    expect(strangers.body.items.find((x: { userId: string }) => x.userId === stranger.userId).openCount).toBe(0);
  });

  it('messages flow both ways after assignment; hand-back makes it pending, unassigned, and frees the seat', async () => {
    const { admin, agents, publicId } = await team(1, { assignmentStrategy: 'round_robin', defaultCapacity: 1 });
    const [agent] = agents as [Account];
    const agentSocket = await goOnline(admin, agent);
    const v = await visitor(publicId);
    await handOff(v);
    expect((await assigned(admin, v.id)).id).toBe(agent.userId);

    const joined = await request(agentSocket, 'conversation.join', { conversationId: v.id });
    expect(joined).toMatchObject({ ok: true, conversation: { id: v.id } });

    // The visitor writes: the assignee's socket gets it.
    const toAgent = next(agentSocket, 'message.created', (m: { text: string | null }) => m.text === 'Are you there?');
    const sent = await request(v.socket, 'message.send', { clientMessageId: randomUUID(), text: 'Are you there?' });
    expect(sent).toMatchObject({ ok: true, turn: { status: 'handoff', messages: [] } });
    expect(await toAgent).toMatchObject({ conversationId: v.id, sender: { type: 'visitor' }, kind: 'message' });

    // The agent answers: the visitor's socket gets it, with the agent's name.
    const toVisitor = next(
      v.socket,
      'message.created',
      (m: { text: string | null }) => m.text === 'Yes, how can I help?',
    );
    const reply = await request(agentSocket, 'message.send', {
      conversationId: v.id,
      clientMessageId: randomUUID(),
      text: 'Yes, how can I help?',
    });
    expect(reply).toMatchObject({ ok: true });
    expect(await toVisitor).toMatchObject({
      conversationId: v.id,
      sender: { type: 'agent', id: agent.userId, name: 'Agent 1' },
      kind: 'message',
    });

    // A second visitor waits: the agent's only seat is taken.
    const second = await visitor(publicId);
    await handOff(second);
    await sleep(SETTLE_MS);
    expect((await conversation(admin, second.id)).assignee).toBeNull();

    // Hand-back over REST: the bot's again (pending, unassigned), and the seat goes to the waiting one.
    const botBack = next(v.socket, 'message.created', (m: { text: string | null }) =>
      (m.text ?? '').includes('Back with the bot'),
    );
    const back = await t.request('POST', `/api/v1/conversations/${v.id}/handback`, { ...as(agent), body: {} });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ status: 'pending', assignee: null });
    expect(await conversation(admin, v.id)).toMatchObject({ status: 'pending', assignee: null });
    expect(await botBack).toMatchObject({ sender: { type: 'bot' } });
    expect((await assigned(admin, second.id)).id).toBe(agent.userId);
  });
});
