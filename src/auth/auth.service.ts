import { asOrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type AppConfig, InjectConfig } from '@/config';
import { EventsPublisher } from '@/events/events.publisher';
import { type OrganizationDto, toOrganizationDto } from '@/users/dto/organization.dto';
import { toUserDto } from '@/users/dto/profile.dto';
import { InvitationsService } from '@/users/invitations.service';
import { MembershipsService } from '@/users/memberships.service';
import { OrganizationsService } from '@/users/organizations.service';
import { UsersService } from '@/users/users.service';
import { AccessTokenService } from './access-token.service';
import {
  EmailTaken,
  InvalidCredentials,
  InvalidResetToken,
  Unauthenticated,
  UserRequired,
  WrongPassword,
} from './auth.exception';
import type { LoginDto, MeDto, RegisterDto, RegisteredDto, SessionDto, TokenPairDto } from './dto/auth.dto';
import { PasswordResetTokensRepository } from './password-reset-tokens.repository';
import { assertPasswordPolicy, PasswordService } from './password.service';
import type { Principal } from '@/access/principal';
import { type ClientMeta, RefreshTokensService } from './refresh-tokens.service';
import { SessionDenylist } from './session-denylist.service';
import { hashToken, newOpaqueToken } from '@/common/crypto/tokens';
import { isUniqueViolation } from '@/database/postgres-errors';

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    private readonly memberships: MembershipsService,
    private readonly invitations: InvitationsService,
    private readonly passwords: PasswordService,
    private readonly resetTokens: PasswordResetTokensRepository,
    private readonly accessTokens: AccessTokenService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly denylist: SessionDenylist,
    private readonly events: EventsPublisher,
  ) {}

  /** Creates the account and either a new organization (as org_admin) or joins an invited one. */
  async register(dto: RegisterDto, meta: ClientMeta): Promise<RegisteredDto> {
    const email = dto.email.toLowerCase();
    assertPasswordPolicy(dto.password, email);
    if (await this.users.findByEmail(email)) throw new EmailTaken();
    const passwordHash = await this.passwords.hash(dto.password);
    const { userId, organizationId, session } = await this.dataSource
      .transaction(async (em) => {
        const user = await this.users.create({ email, name: dto.name, passwordHash }, em);
        let orgId: string;
        if (dto.invitationToken) {
          orgId = await this.invitations.acceptIn(em, user.id, dto.invitationToken);
        } else {
          const organization = await this.organizations.createWithin(dto.organizationName ?? dto.name, em);
          await this.memberships.add(asOrganizationId(organization.id), user.id, 'org_admin', em);
          orgId = organization.id;
        }
        return {
          userId: user.id,
          organizationId: orgId,
          session: await this.refreshTokens.startFamily(user.id, meta, em),
        };
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw new EmailTaken();
        throw error;
      });
    const organization: OrganizationDto = await this.organizations.get(organizationId);
    return { ...(await this.sessionFor(userId, session.familyId, session.token)), organization };
  }

  /** Same work and the same answer whether the email is unknown or the password wrong. */
  async login(dto: LoginDto, meta: ClientMeta): Promise<SessionDto> {
    const user = await this.users.findByEmailWithPassword(dto.email);
    if (!user?.passwordHash) {
      await this.passwords.burn(dto.password);
      throw new InvalidCredentials();
    }
    if (!(await this.passwords.verify(user.passwordHash, dto.password))) throw new InvalidCredentials();
    const patch = this.passwords.needsRehash(user.passwordHash)
      ? { lastLoginAt: new Date(), passwordHash: await this.passwords.hash(dto.password) }
      : { lastLoginAt: new Date() };
    await this.users.update(user.id, patch);
    const session = await this.refreshTokens.startFamily(user.id, meta);
    return this.sessionFor(user.id, session.familyId, session.token);
  }

  async refresh(refreshToken: string, meta: ClientMeta): Promise<TokenPairDto> {
    const rotated = await this.refreshTokens.rotate(refreshToken, meta);
    if (!(await this.users.activeExists(rotated.userId))) {
      await this.refreshTokens.revokeFamilies([rotated.familyId], 'user_disabled');
      throw new Unauthenticated('auth.user_disabled', 'This account is disabled.');
    }
    return this.tokenPair(rotated.userId, rotated.familyId, rotated.refreshToken);
  }

  /** Ends the caller's session: its refresh tokens stop working, its access tokens are denied. */
  async logout(principal: Principal): Promise<void> {
    if (principal.kind !== 'user' || !principal.sessionId) return;
    if (principal.via === 'local') await this.refreshTokens.revokeFamilies([principal.sessionId], 'logout');
    else await this.denylist.deny(principal.sessionId);
  }

  async me(principal: Principal): Promise<MeDto> {
    if (principal.kind !== 'user') throw new UserRequired();
    const user = await this.users.findById(principal.userId);
    if (!user) throw new Unauthenticated();
    const organizations = await this.organizations.findByIds([...principal.memberships.keys()]);
    return {
      user: toUserDto(user),
      via: principal.via,
      memberships: organizations
        .map((o) => ({ organization: toOrganizationDto(o), role: principal.memberships.get(o.id)!.role }))
        .sort((a, b) => a.organization.name.localeCompare(b.organization.name)),
    };
  }

  /** Changes the password and ends every other session of the user. */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    if (principal.kind !== 'user') throw new UserRequired();
    const user = await this.users.findByIdWithPassword(principal.userId);
    if (!user?.passwordHash || !(await this.passwords.verify(user.passwordHash, currentPassword))) {
      throw new WrongPassword();
    }
    assertPasswordPolicy(newPassword, user.email, 'newPassword');
    const passwordHash = await this.passwords.hash(newPassword);
    await this.dataSource.transaction(async (em) => {
      await this.users.update(user.id, { passwordHash }, em);
      await this.resetTokens.voidAllOfUser(user.id, em);
    });
    await this.refreshTokens.revokeUserSessions(user.id, 'password_changed', principal.sessionId);
  }

  /** Always succeeds from the caller's view (no account enumeration); emails a token if the account exists. */
  async requestPasswordReset(email: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user || user.disabledAt) return;
    const token = newOpaqueToken('pwr_');
    const expiresAt = new Date(Date.now() + this.config.auth.passwordResetTtlSeconds * 1000);
    // The event (for the notification that emails the token) commits with the token row, or neither does.
    await this.dataSource.transaction(async (em) => {
      await this.resetTokens.create(user.id, hashToken(token), expiresAt, em);
      await this.events.publishIn(em, [
        this.events.event('auth.password_reset_requested', null, {
          userId: user.id,
          email: user.email,
          name: user.name,
          token,
          expiresAt: expiresAt.toISOString(),
        }),
      ]);
    });
  }

  /**
   * Sets a new password with a reset token and ends every session of the user. The token and every
   * other outstanding reset token of the user stop working, in one statement (no lock-order deadlock
   * when two links are confirmed at once: the second finds its token already void).
   */
  async confirmPasswordReset(token: string, newPassword: string): Promise<void> {
    const row = await this.resetTokens.findUnused(hashToken(token));
    if (!row || row.expiresAt <= new Date()) throw new InvalidResetToken();
    const user = await this.users.findById(row.userId);
    assertPasswordPolicy(newPassword, user?.email, 'newPassword');
    const passwordHash = await this.passwords.hash(newPassword);
    await this.dataSource.transaction(async (em) => {
      if (!(await this.resetTokens.voidAllOfUser(row.userId, em)).includes(row.id)) throw new InvalidResetToken();
      await this.users.update(row.userId, { passwordHash }, em);
      await this.refreshTokens.revokeUserSessions(row.userId, 'password_reset', undefined, em);
    });
  }

  private async tokenPair(userId: string, familyId: string, refreshToken: string): Promise<TokenPairDto> {
    const access = await this.accessTokens.sign(userId, familyId);
    return { accessToken: access.token, refreshToken, tokenType: 'Bearer', expiresIn: access.expiresIn };
  }

  private async sessionFor(userId: string, familyId: string, refreshToken: string): Promise<SessionDto> {
    const user = await this.users.findById(userId);
    if (!user) throw new Unauthenticated();
    return { ...(await this.tokenPair(userId, familyId, refreshToken)), user: toUserDto(user) };
  }
}
