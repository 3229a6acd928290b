import { randomUUID } from 'node:crypto';
import { addMember, DEFAULT_PASSWORD, login, register, uniqueEmail, type Account } from './support/identity';
import { outboxEvents } from './support/outbox';
import { startTestApp, type TestApp } from './support/test-app';

describe('organizations, members, invitations, departments, profiles', () => {
  let t: TestApp;
  let admin: Account;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await register(t, { organizationName: 'Globex' });
  });
  afterAll(() => t.close());

  describe('organizations', () => {
    it('reads and renames the active organization (org_admin only)', async () => {
      const current = await t.request('GET', '/api/v1/organizations/current', { token: admin.accessToken });
      expect(current.body).toMatchObject({ id: admin.organizationId, name: 'Globex' });
      const renamed = await t.request('PATCH', '/api/v1/organizations/current', {
        token: admin.accessToken,
        body: { name: 'Globex Corp' },
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body.name).toBe('Globex Corp');
      const viewer = await addMember(t, admin, 'viewer');
      const denied = await t.request('PATCH', '/api/v1/organizations/current', {
        token: viewer.accessToken,
        body: { name: 'Hacked' },
      });
      expect(denied.status).toBe(403);
      const stored = await t.sql<{ name: string }>('SELECT name FROM organizations WHERE id = $1', [
        admin.organizationId,
      ]);
      expect(stored[0]?.name).toBe('Globex Corp');
    });

    it('needs X-Organization-Id when the user belongs to several, and checks it', async () => {
      const user = await register(t, { organizationName: 'First' });
      const second = await t.request('POST', '/api/v1/organizations', {
        token: user.accessToken,
        body: { name: 'Second' },
      });
      expect(second.status).toBe(201);
      const ambiguous = await t.request('GET', '/api/v1/organizations/current', { token: user.accessToken });
      expect(ambiguous.status).toBe(400);
      expect(ambiguous.body).toMatchObject({
        code: 'organization.required',
        errors: [{ field: 'X-Organization-Id', message: expect.any(String) }],
      });
      const chosen = await t.request('GET', '/api/v1/organizations/current', {
        token: user.accessToken,
        organizationId: second.body.id,
      });
      expect(chosen.body.name).toBe('Second');
      const foreign = await t.request('GET', '/api/v1/organizations/current', {
        token: user.accessToken,
        organizationId: admin.organizationId,
      });
      expect(foreign.status).toBe(403);
      expect(foreign.body.code).toBe('organization.not_member');
      const garbage = await t.request('GET', '/api/v1/organizations/current', {
        token: user.accessToken,
        organizationId: 'not-a-uuid',
      });
      expect(garbage.status).toBe(400);
    });

    it('lets super admins list and suspend organizations; a suspended one locks its members out', async () => {
      const root = await register(t);
      await t.sql('UPDATE users SET super_admin = true WHERE id = $1', [root.userId]);
      const victim = await register(t, { organizationName: 'Suspendme' });

      expect((await t.request('GET', '/api/v1/organizations', { token: admin.accessToken })).status).toBe(403);
      const page1 = await t.request('GET', '/api/v1/organizations?limit=2', { token: root.accessToken });
      expect(page1.status).toBe(200);
      expect(page1.body.items).toHaveLength(2);
      const page2 = await t.request('GET', `/api/v1/organizations?limit=100&cursor=${page1.body.nextCursor}`, {
        token: root.accessToken,
      });
      const ids = [...page1.body.items, ...page2.body.items].map((o: { id: string }) => o.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expect.arrayContaining([admin.organizationId, victim.organizationId]));

      const suspended = await t.request('POST', `/api/v1/organizations/${victim.organizationId}/suspend`, {
        token: root.accessToken,
      });
      expect(suspended.status).toBe(200);
      expect(suspended.body.suspendedAt).not.toBeNull();
      const locked = await t.request('GET', '/api/v1/members', { token: victim.accessToken });
      expect(locked.status).toBe(403);
      expect(locked.body.code).toBe('organization.suspended');
      // A super admin can still act in it.
      const asRoot = await t.request('GET', '/api/v1/members', {
        token: root.accessToken,
        organizationId: victim.organizationId,
      });
      expect(asRoot.status).toBe(200);
      await t.request('POST', `/api/v1/organizations/${victim.organizationId}/unsuspend`, { token: root.accessToken });
      expect((await t.request('GET', '/api/v1/members', { token: victim.accessToken })).status).toBe(200);
      expect(
        (
          await t.request('POST', `/api/v1/organizations/${randomUUID()}/suspend`, {
            token: root.accessToken,
          })
        ).status,
      ).toBe(404);
    });
  });

  describe('members', () => {
    it('lists members with keyset pagination', async () => {
      await addMember(t, admin, 'agent');
      await addMember(t, admin, 'agent');
      const first = await t.request('GET', '/api/v1/members?limit=1', { token: admin.accessToken });
      expect(first.body.items).toHaveLength(1);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const rest = await t.request('GET', `/api/v1/members?limit=100&cursor=${first.body.nextCursor}`, {
        token: admin.accessToken,
      });
      expect(rest.body.items.length).toBeGreaterThanOrEqual(2);
      expect(rest.body.items.map((m: { userId: string }) => m.userId)).not.toContain(first.body.items[0].userId);
      const bad = await t.request('GET', '/api/v1/members?limit=1000&cursor=nope', { token: admin.accessToken });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['cursor', 'limit']);
    });

    it('changes roles and never loses the last org_admin', async () => {
      const solo = await register(t);
      const demote = await t.request('PATCH', `/api/v1/members/${solo.userId}`, {
        token: solo.accessToken,
        body: { role: 'agent' },
      });
      expect(demote.status).toBe(409);
      expect(demote.body.code).toBe('member.last_admin');
      const leave = await t.request('DELETE', `/api/v1/members/${solo.userId}`, { token: solo.accessToken });
      expect(leave.status).toBe(409);

      const agent = await addMember(t, solo, 'agent');
      const promoted = await t.request('PATCH', `/api/v1/members/${agent.userId}`, {
        token: solo.accessToken,
        body: { role: 'org_admin' },
      });
      expect(promoted.body.role).toBe('org_admin');
      expect((await t.request('DELETE', `/api/v1/members/${solo.userId}`, { token: agent.accessToken })).status).toBe(
        204,
      );
      const memberships = await t.sql('SELECT 1 FROM memberships WHERE user_id = $1', [solo.userId]);
      expect(memberships).toHaveLength(0);
      const invalid = await t.request('PATCH', `/api/v1/members/${agent.userId}`, {
        token: agent.accessToken,
        body: { role: 'owner' },
      });
      expect(invalid.status).toBe(400);
    });

    it('forbids agents and viewers from managing members', async () => {
      const agent = await addMember(t, admin, 'agent');
      const viewer = await addMember(t, admin, 'viewer');
      expect((await t.request('GET', '/api/v1/members', { token: agent.accessToken })).status).toBe(200);
      for (const actor of [agent, viewer]) {
        const patch = await t.request('PATCH', `/api/v1/members/${viewer.userId}`, {
          token: actor.accessToken,
          body: { role: 'org_admin' },
        });
        expect(patch.status).toBe(403);
        expect(
          (await t.request('DELETE', `/api/v1/members/${admin.userId}`, { token: actor.accessToken })).status,
        ).toBe(403);
        const invite = await t.request('POST', '/api/v1/invitations', {
          token: actor.accessToken,
          body: { email: uniqueEmail(), role: 'org_admin' },
        });
        expect(invite.status).toBe(403);
      }
      const [row] = await t.sql<{ role: string }>('SELECT role FROM memberships WHERE user_id = $1', [viewer.userId]);
      expect(row?.role).toBe('viewer');
    });
  });

  describe('invitations', () => {
    it('invites by email, emits the token, and the invitee accepts into the organization', async () => {
      const invitee = await register(t);
      const invite = await t.request('POST', '/api/v1/invitations', {
        token: admin.accessToken,
        body: { email: invitee.email.toUpperCase(), role: 'agent' },
      });
      expect(invite.status).toBe(201);
      expect(invite.body).toMatchObject({ email: invitee.email, role: 'agent', status: 'pending' });
      expect((await outboxEvents(t, 'invitation.created')).at(-1)).toMatchObject({
        organizationId: admin.organizationId,
        data: {
          invitationId: invite.body.id,
          email: invitee.email,
          token: invite.body.token,
          organizationName: 'Globex Corp',
        },
      });

      const stranger = await register(t);
      const wrongPerson = await t.request('POST', '/api/v1/invitations/accept', {
        token: stranger.accessToken,
        body: { token: invite.body.token },
      });
      expect(wrongPerson.status).toBe(403);
      expect(wrongPerson.body.code).toBe('invitation.email_mismatch');

      const accepted = await t.request('POST', '/api/v1/invitations/accept', {
        token: invitee.accessToken,
        body: { token: invite.body.token },
      });
      expect(accepted.status).toBe(200);
      expect(accepted.body.id).toBe(admin.organizationId);
      const again = await t.request('POST', '/api/v1/invitations/accept', {
        token: invitee.accessToken,
        body: { token: invite.body.token },
      });
      expect(again.status).toBe(410);
      expect(again.body.code).toBe('invitation.used');

      const me = await t.request('GET', '/api/v1/auth/me', { token: invitee.accessToken });
      expect(me.body.memberships).toHaveLength(2);
      const list = await t.request('GET', '/api/v1/invitations', { token: admin.accessToken });
      expect(list.body.items.find((i: { id: string }) => i.id === invite.body.id).status).toBe('accepted');
      expect(list.text).not.toContain(invite.body.token);
    });

    it('refuses revoked and expired invitations and existing members', async () => {
      const email = uniqueEmail('late');
      const revoked = await t.request('POST', '/api/v1/invitations', {
        token: admin.accessToken,
        body: { email, role: 'viewer' },
      });
      expect(
        (await t.request('DELETE', `/api/v1/invitations/${revoked.body.id}`, { token: admin.accessToken })).status,
      ).toBe(204);
      const register1 = await t.request('POST', '/api/v1/auth/register', {
        body: { email, password: DEFAULT_PASSWORD, name: 'Late', invitationToken: revoked.body.token },
      });
      expect(register1.status).toBe(410);
      expect(register1.body.code).toBe('invitation.revoked');
      // Nothing half-written: the account was not created either.
      expect(await t.sql('SELECT 1 FROM users WHERE email = $1', [email])).toHaveLength(0);

      const expired = await t.request('POST', '/api/v1/invitations', {
        token: admin.accessToken,
        body: { email, role: 'viewer' },
      });
      await t.sql(`UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = $1`, [expired.body.id]);
      const register2 = await t.request('POST', '/api/v1/auth/register', {
        body: { email, password: DEFAULT_PASSWORD, name: 'Late', invitationToken: expired.body.token },
      });
      expect(register2.body.code).toBe('invitation.expired');

      const member = await t.request('POST', '/api/v1/invitations', {
        token: admin.accessToken,
        body: { email: admin.email, role: 'viewer' },
      });
      expect(member.status).toBe(409);
    });
  });

  describe('departments', () => {
    it('creates, renames, lists with member counts, seats members and deletes', async () => {
      const agent = await addMember(t, admin, 'agent');
      const created = await t.request('POST', '/api/v1/departments', {
        token: admin.accessToken,
        body: { name: 'Billing', description: 'Money questions' },
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const dup = await t.request('POST', '/api/v1/departments', {
        token: admin.accessToken,
        body: { name: 'billing' },
      });
      expect(dup.status).toBe(409);

      expect(
        (await t.request('PUT', `/api/v1/departments/${id}/members/${agent.userId}`, { token: admin.accessToken }))
          .status,
      ).toBe(204);
      expect(
        (await t.request('PUT', `/api/v1/departments/${id}/members/${agent.userId}`, { token: admin.accessToken }))
          .status,
      ).toBe(204);
      const outsider = await register(t);
      const notMember = await t.request('PUT', `/api/v1/departments/${id}/members/${outsider.userId}`, {
        token: admin.accessToken,
      });
      expect(notMember.status).toBe(404);

      const members = await t.request('GET', `/api/v1/departments/${id}/members`, { token: agent.accessToken });
      expect(members.body.map((m: { userId: string }) => m.userId)).toEqual([agent.userId]);
      const list = await t.request('GET', '/api/v1/departments', { token: agent.accessToken });
      expect(list.body.items.find((d: { id: string }) => d.id === id)).toMatchObject({
        name: 'Billing',
        memberCount: 1,
      });

      const renamed = await t.request('PATCH', `/api/v1/departments/${id}`, {
        token: admin.accessToken,
        body: { name: 'Payments' },
      });
      expect(renamed.body).toMatchObject({ name: 'Payments', description: 'Money questions', memberCount: 1 });
      expect(
        (await t.request('PATCH', `/api/v1/departments/${id}`, { token: agent.accessToken, body: { name: 'X' } }))
          .status,
      ).toBe(403);

      expect(
        (await t.request('DELETE', `/api/v1/departments/${id}/members/${agent.userId}`, { token: admin.accessToken }))
          .status,
      ).toBe(204);
      expect((await t.request('DELETE', `/api/v1/departments/${id}`, { token: admin.accessToken })).status).toBe(204);
      expect((await t.request('GET', `/api/v1/departments/${id}`, { token: admin.accessToken })).status).toBe(404);
      expect(
        (await t.request('GET', '/api/v1/departments/not-a-uuid', { token: admin.accessToken })).body.errors,
      ).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
    });
  });

  describe('profile and availability', () => {
    it('updates the profile and availability, validating them', async () => {
      const user = await register(t);
      const res = await t.request('PATCH', '/api/v1/users/me', {
        token: user.accessToken,
        body: { name: 'Grace', locale: 'fr-FR', timezone: 'Europe/Paris', avatarUrl: 'https://cdn.example.com/g.png' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'Grace', locale: 'fr-FR', timezone: 'Europe/Paris' });
      const bad = await t.request('PATCH', '/api/v1/users/me', {
        token: user.accessToken,
        body: { timezone: 'Mars/Olympus', avatarUrl: 'javascript:alert(1)' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['avatarUrl', 'timezone']);
      const away = await t.request('PUT', '/api/v1/users/me/availability', {
        token: user.accessToken,
        body: { availability: 'online' },
      });
      expect(away.body.availability).toBe('online');
      const relogin = await login(t, user.email);
      expect((await t.request('GET', '/api/v1/users/me', { token: relogin.accessToken })).body.name).toBe('Grace');
    });
  });
});
