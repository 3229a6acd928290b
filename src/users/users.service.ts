import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { UserEntity } from './entities/user.entity';
import { type PrincipalGrantsRow, UsersRepository } from './users.repository';

export type { PrincipalGrantsRow };

/**
 * Accounts, for the auth module (sign-up, sign-in, password changes, SSO provisioning, the guard's
 * principal): the public face of the users table. Transactions stay with the caller: the methods
 * that write take its `EntityManager`.
 */
@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  findById(id: string, em?: EntityManager) {
    return this.users.findById(id, em);
  }

  findByEmail(email: string, em?: EntityManager) {
    return this.users.findByEmail(email, em);
  }

  /** With the password hash (never returned by the other finders). */
  findByEmailWithPassword(email: string) {
    return this.users.findByEmailWithPassword(email);
  }

  /** With the password hash (never returned by the other finders). */
  findByIdWithPassword(id: string, em?: EntityManager) {
    return this.users.findByIdWithPassword(id, em);
  }

  create(user: Partial<UserEntity>, em?: EntityManager) {
    return this.users.create(user, em);
  }

  update(id: string, patch: Partial<UserEntity>, em?: EntityManager): Promise<void> {
    return this.users.update(id, patch, em);
  }

  /** Whether the account exists and is not disabled. */
  activeExists(id: string): Promise<boolean> {
    return this.users.activeExists(id);
  }

  /** Global flags and every membership with its organization's suspension state, in one query. */
  principalGrants(userId: string): Promise<PrincipalGrantsRow | undefined> {
    return this.users.principalGrants(userId);
  }
}
