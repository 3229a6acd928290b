import type { AssignmentStrategy } from './entities/chat-settings.entity';

/** An agent who could take a conversation: online, in the right department. */
export interface Candidate {
  readonly userId: string;
  /** Open conversations assigned to them now. */
  readonly open: number;
  readonly capacity: number;
}

/**
 * The candidates with room (open < capacity) in round-robin order: by user id, starting with the
 * first one after `lastAssignedId` (wrapping around), so the one assigned last comes last.
 */
export function roundRobinOrder(candidates: readonly Candidate[], lastAssignedId: string | null): Candidate[] {
  const free = candidates.filter((c) => c.open < c.capacity).sort((a, b) => (a.userId < b.userId ? -1 : 1));
  if (lastAssignedId === null) return free;
  const start = free.findIndex((c) => c.userId > lastAssignedId);
  return start <= 0 ? free : [...free.slice(start), ...free.slice(0, start)];
}

/**
 * Who takes the next conversation, or null when nobody has room:
 * - `round_robin`: the next with room after the one assigned last;
 * - `least_busy`: the one with the fewest open conversations, ties broken in round-robin order.
 */
export function pickAgent(
  strategy: AssignmentStrategy,
  candidates: readonly Candidate[],
  lastAssignedId: string | null,
): string | null {
  const order = roundRobinOrder(candidates, lastAssignedId);
  if (order.length === 0) return null;
  if (strategy === 'round_robin') return order[0]!.userId;
  const fewest = Math.min(...order.map((c) => c.open));
  return order.find((c) => c.open === fewest)!.userId;
}
