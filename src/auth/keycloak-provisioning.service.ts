import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { MembershipsService } from '@/users/memberships.service';
import { UsersService } from '@/users/users.service';
import { ExternalIdentitiesRepository } from './external-identities.repository';
import type { KeycloakIdentity } from './keycloak';

/** How many verified tokens to remember as "already synced" per process. */
const SYNCED_CACHE_SIZE = 10_000;

/**
 * Provisions Keycloak users on first sight and syncs their profile, `super_admin` flag and
 * memberships once per token (i.e. on each sign-in and refresh), not on every request.
 *
 * Decisions: users are linked by issuer + subject. A *verified* email that matches an existing
 * account links to it the first time (that account is the same person per the IdP); an unverified
 * or missing email never matches anything, and such users get a placeholder address under
 * `sso.invalid` until Keycloak vouches for one. Organizations named by the token are created on
 * first sight (slug = Keycloak alias / group name). Memberships that came from Keycloak follow
 * the token; memberships managed in Parley for other organizations are left alone.
 */
@Injectable()
export class KeycloakProvisioning {
  private readonly logger = new Logger(KeycloakProvisioning.name);
  private readonly synced = new Map<string, { userId: string; expiresAt: number }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly memberships: MembershipsService,
    private readonly links: ExternalIdentitiesRepository,
  ) {}

  /** The Parley user id for this identity, provisioning and syncing when the token is new to us. */
  async userIdFor(identity: KeycloakIdentity): Promise<string> {
    const cacheKey = `${identity.issuer}|${identity.subject}|${identity.claims.jti ?? identity.claims.iat ?? ''}`;
    const hit = this.synced.get(cacheKey);
    if (hit && hit.expiresAt > Date.now()) return hit.userId;
    const userId = await this.dataSource.transaction((em) => this.sync(identity, em));
    this.remember(cacheKey, userId, (identity.claims.exp ?? 0) * 1000 || Date.now() + 60_000);
    return userId;
  }

  /** Finds the user linked to a Keycloak subject (back-channel logout by `sub`). */
  async linkedUserId(issuer: string, subject: string): Promise<string | undefined> {
    const link = await this.links.find(issuer, subject);
    return link?.userId;
  }

  private remember(key: string, userId: string, expiresAt: number): void {
    if (this.synced.size >= SYNCED_CACHE_SIZE) {
      const now = Date.now();
      for (const [k, v] of this.synced) if (v.expiresAt <= now) this.synced.delete(k);
      if (this.synced.size >= SYNCED_CACHE_SIZE) this.synced.clear();
    }
    this.synced.set(key, { userId, expiresAt });
  }

  private async sync(identity: KeycloakIdentity, em: EntityManager): Promise<string> {
    // Serialize concurrent first requests of the same subject.
    await this.links.lockSubject(identity.issuer, identity.subject, em);
    const link = await this.links.find(identity.issuer, identity.subject, em);
    const name = identity.name ?? identity.claims.preferredUsername ?? identity.email ?? identity.subject;
    let userId: string;
    if (link) {
      userId = link.userId;
      const emailFree = identity.email && !(await this.emailUsedByOther(identity.email, userId, em));
      await this.users.update(
        userId,
        {
          name,
          superAdmin: identity.superAdmin,
          ...(emailFree ? { email: identity.email, emailVerified: true } : {}),
        },
        em,
      );
      await this.links.touch(link.id, identity.email ?? link.email, em);
    } else {
      const existing = identity.email ? await this.users.findByEmail(identity.email, em) : null;
      if (existing) {
        userId = existing.id;
        await this.users.update(userId, { superAdmin: identity.superAdmin, emailVerified: true }, em);
        this.logger.log(`Linked Keycloak subject ${identity.subject} to existing user ${userId} by verified email`);
      } else {
        const user = await this.users.create(
          {
            email: identity.email ?? placeholderEmail(identity),
            emailVerified: Boolean(identity.email),
            name,
            passwordHash: null,
            superAdmin: identity.superAdmin,
          },
          em,
        );
        userId = user.id;
      }
      await this.links.create(
        {
          userId,
          issuer: identity.issuer,
          subject: identity.subject,
          email: identity.email ?? null,
          lastSeenAt: new Date(),
        },
        em,
      );
    }
    if (identity.organizations)
      await this.memberships.syncFromIdentityProvider(userId, identity.organizations, 'keycloak', em);
    return userId;
  }

  private async emailUsedByOther(email: string, userId: string, em: EntityManager): Promise<boolean> {
    const other = await this.users.findByEmail(email, em);
    return Boolean(other && other.id !== userId);
  }
}

const placeholderEmail = (identity: KeycloakIdentity): string =>
  `kc-${createHash('sha256').update(`${identity.issuer}|${identity.subject}`).digest('hex').slice(0, 24)}@sso.invalid`;
