import { Injectable } from '@nestjs/common';
import { UsersService } from '@/users/users.service';
import { Unauthenticated } from './auth.exception';
import type { MembershipGrant, Principal } from '@/access/principal';
import { SessionDenylist } from './session-denylist.service';

/** What a verified user token says about its session. */
export interface UserSession {
  readonly userId: string;
  readonly sessionId: string | undefined;
  readonly via: 'local' | 'keycloak';
  /** `iat` of the token, in seconds (Keycloak tokens: user-wide logouts compare against it). */
  readonly issuedAt: number | undefined;
}

/** Turns a verified user token into a principal: session not ended, account enabled, memberships. */
@Injectable()
export class UserPrincipals {
  constructor(
    private readonly denylist: SessionDenylist,
    private readonly users: UsersService,
  ) {}

  async of(session: UserSession): Promise<Principal> {
    const { userId, sessionId, via, issuedAt } = session;
    // The denylist answers from Redis, or from PostgreSQL while Redis is down: never a 5xx.
    const [denied, grants] = await Promise.all([
      this.denylist.isEnded({ via, userId, sessionId, issuedAt }),
      this.users.principalGrants(userId),
    ]);
    if (denied) throw new Unauthenticated('auth.session_ended', 'This session has ended; sign in again.');
    if (!grants || grants.disabled) throw new Unauthenticated('auth.user_disabled', 'This account is disabled.');
    return {
      kind: 'user',
      userId,
      superAdmin: grants.superAdmin,
      sessionId,
      via,
      memberships: new Map<string, MembershipGrant>(
        grants.memberships.map((m) => [m.organizationId, { role: m.role, suspended: m.suspended }]),
      ),
    };
  }
}
