import { randomBytes } from 'node:crypto';
import type { TestApp } from './test-app';

export interface Account {
  readonly email: string;
  readonly password: string;
  readonly userId: string;
  readonly organizationId: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

export const DEFAULT_PASSWORD = 'correct horse battery staple';

export const uniqueEmail = (name = 'user'): string => `${name}.${randomBytes(4).toString('hex')}@example.com`;

/** Registers a new user with a new organization (they are its org_admin). */
export async function register(
  t: TestApp,
  options: { email?: string; name?: string; organizationName?: string; password?: string } = {},
): Promise<Account> {
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? DEFAULT_PASSWORD;
  const res = await t.request('POST', '/api/v1/auth/register', {
    body: {
      email,
      password,
      name: options.name ?? 'Test User',
      organizationName: options.organizationName ?? `Org ${randomBytes(3).toString('hex')}`,
    },
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  return {
    email,
    password,
    userId: res.body.user.id,
    organizationId: res.body.organization.id,
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
  };
}

export async function login(t: TestApp, email: string, password = DEFAULT_PASSWORD): Promise<Account> {
  const res = await t.request('POST', '/api/v1/auth/login', { body: { email, password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  const me = await t.request('GET', '/api/v1/auth/me', { token: res.body.accessToken });
  return {
    email,
    password,
    userId: res.body.user.id,
    organizationId: me.body.memberships[0]?.organization.id,
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
  };
}

/**
 * Adds a new user to `admin`'s organization with `role`, through the real invitation flow
 * (invite → register with the token), and returns that user signed in.
 */
export async function addMember(t: TestApp, admin: Account, role: 'org_admin' | 'agent' | 'viewer'): Promise<Account> {
  const email = uniqueEmail(role);
  const invite = await t.request('POST', '/api/v1/invitations', { token: admin.accessToken, body: { email, role } });
  if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${invite.text}`);
  const res = await t.request('POST', '/api/v1/auth/register', {
    body: { email, password: DEFAULT_PASSWORD, name: `A ${role}`, invitationToken: invite.body.token },
  });
  if (res.status !== 201) throw new Error(`register with invitation failed: ${res.status} ${res.text}`);
  return {
    email,
    password: DEFAULT_PASSWORD,
    userId: res.body.user.id,
    organizationId: res.body.organization.id,
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
  };
}
