/**
 * An in-process, bounded LRU of session rows between turns, so a warm chat turn needs no
 * `SELECT` of its session. Keyed by session id; each entry holds the row and its `turn` (the
 * optimistic-concurrency counter of `chat_sessions`) and expires `ttlMs` after it was stored.
 *
 * Contract for the turn (wired by the message store, not here):
 * 1. `get(id)`: on a hit, run the turn on `entry.row` (a miss reads the row and `set`s it).
 * 2. Save with the conditional `UPDATE … SET turn = turn + 1 … WHERE id = $1 AND turn = $entry.turn`.
 * 3. One row updated: `set(id, savedRowWithItsNewTurn)`.
 *    No row updated: the entry was stale (another process, or a write outside the turn, moved the
 *    session on). `invalidate(id)`, re-read the row and run the turn again (or answer as a lost
 *    race does today). A stale entry therefore only ever costs one failed conditional UPDATE; it
 *    can never overwrite a newer state.
 * 4. Anything that changes a session outside a turn (expiry, handoff, admin actions, pruning)
 *    calls `invalidate(id)` in this process; other processes find out at step 3.
 *
 * `set` keeps the entry with the higher `turn` when one is already there, so a late writer holding
 * an older row (a concurrent turn that finished after a newer one) cannot put it back. Rows are
 * stored and returned by reference: callers must not mutate a row they got from the cache (copy it
 * first) or mutate one after `set`-ting it. `maxEntries` 0 disables the cache (`get` always misses).
 */
export interface SessionCacheEntry<Row> {
  readonly row: Row;
  readonly turn: number;
}

export interface SessionCacheOptions {
  /** At most this many sessions (least recently used evicted first); 0: no caching at all. */
  readonly maxEntries: number;
  /** How long an entry is trusted after it was stored (ms). */
  readonly ttlMs: number;
  /** Clock (tests). */
  readonly now?: () => number;
}

/** Default trust of an entry: long enough for a conversation's pace, short enough to bound staleness. */
export const SESSION_CACHE_TTL_MS = 5 * 60_000;

interface Stored<Row> extends SessionCacheEntry<Row> {
  readonly expiresAt: number;
}

export class SessionCache<Row extends { readonly turn: number }> {
  private readonly entries = new Map<string, Stored<Row>>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: SessionCacheOptions) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 0) {
      throw new RangeError('maxEntries must be an integer ≥ 0');
    }
    if (!(options.ttlMs > 0)) throw new RangeError('ttlMs must be > 0');
    this.maxEntries = options.maxEntries;
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.maxEntries > 0;
  }

  /** Entries held (expired ones included until touched or evicted). */
  get size(): number {
    return this.entries.size;
  }

  /** The cached row and its turn, or undefined (miss, expired, or disabled). A hit becomes most recent. */
  get(id: string): SessionCacheEntry<Row> | undefined {
    const stored = this.entries.get(id);
    if (!stored) return undefined;
    this.entries.delete(id);
    if (stored.expiresAt <= this.now()) return undefined;
    this.entries.set(id, stored);
    return { row: stored.row, turn: stored.turn };
  }

  /**
   * Stores `row` (its `turn` read from the row) unless a live entry with a higher turn is there
   * already; the kept entry becomes most recent. Returns whether `row` was stored.
   */
  set(id: string, row: Row): boolean {
    if (!this.enabled) return false;
    const now = this.now();
    const current = this.entries.get(id);
    if (current && current.expiresAt > now && current.turn > row.turn) return false;
    this.entries.delete(id);
    this.entries.set(id, { row, turn: row.turn, expiresAt: now + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return true;
  }

  /** Forgets the session (after a lost conditional UPDATE, or a change outside a turn). */
  invalidate(id: string): void {
    this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }
}
