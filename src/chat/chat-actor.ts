import type { Principal, TenantContext } from '@/access/principal';
import { type OrgRole, roleAtLeast } from '@/access/roles';
import { ChatActionForbidden, ChatUserRequired } from './chat.exception';

/**
 * Who acts on a conversation, as REST and the agent socket know them: the user (null for an API
 * key) and their role in the organization. Services check the role themselves, so a socket handler
 * cannot forget it.
 */
export interface ChatActor {
  readonly userId: string | null;
  readonly role: OrgRole;
}

export const chatActorOf = (tenant: TenantContext, principal: Principal): ChatActor => ({
  userId: principal.kind === 'user' ? principal.userId : null,
  role: tenant.role,
});

/** Agents and admins act; viewers read. */
export function assertCanAct(actor: ChatActor): void {
  if (!roleAtLeast(actor.role, 'agent')) throw new ChatActionForbidden();
}

/** The user behind the actor, for what only a person has (inbox, read marker, presence). */
export function userOf(actor: ChatActor): string {
  if (actor.userId === null) throw new ChatUserRequired();
  return actor.userId;
}
