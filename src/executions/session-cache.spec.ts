import { SessionCache } from './session-cache';

interface Row {
  id: string;
  turn: number;
  state: string;
}

describe('SessionCache', () => {
  let clock = 0;
  const make = (maxEntries = 3, ttlMs = 1_000) => new SessionCache<Row>({ maxEntries, ttlMs, now: () => clock });
  const row = (id: string, turn: number, state = `s${turn}`): Row => ({ id, turn, state });
  beforeEach(() => (clock = 0));

  it('returns what was set, with its turn, until invalidated', () => {
    const cache = make();
    expect(cache.get('a')).toBeUndefined();
    const a = row('a', 4);
    expect(cache.set('a', a)).toBe(true);
    expect(cache.get('a')).toEqual({ row: a, turn: 4 });
    cache.invalidate('a');
    expect(cache.get('a')).toBeUndefined();
  });

  it('keeps the higher turn: an older row cannot replace a newer one', () => {
    const cache = make();
    cache.set('a', row('a', 5));
    expect(cache.set('a', row('a', 4))).toBe(false);
    expect(cache.get('a')?.turn).toBe(5);
    expect(cache.set('a', row('a', 5, 'again'))).toBe(true); // same turn: the later save wins
    expect(cache.set('a', row('a', 6))).toBe(true);
    expect(cache.get('a')?.row.state).toBe('s6');
  });

  it('expires entries after the TTL, and an expired entry no longer blocks an older turn', () => {
    const cache = make(3, 1_000);
    cache.set('a', row('a', 9));
    clock = 999;
    expect(cache.get('a')?.turn).toBe(9);
    clock = 1_000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.set('b', row('b', 9));
    clock = 5_000;
    expect(cache.set('b', row('b', 2))).toBe(true);
    expect(cache.get('b')?.turn).toBe(2);
  });

  it('evicts the least recently used beyond maxEntries (a get counts as a use)', () => {
    const cache = make(2);
    cache.set('a', row('a', 1));
    cache.set('b', row('b', 1));
    cache.get('a');
    cache.set('c', row('c', 1));
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });

  it('is off with maxEntries 0', () => {
    const cache = make(0);
    expect(cache.enabled).toBe(false);
    expect(cache.set('a', row('a', 1))).toBe(false);
    expect(cache.get('a')).toBeUndefined();
  });

  it('refuses nonsense options', () => {
    expect(() => make(-1)).toThrow(RangeError);
    expect(() => make(1.5)).toThrow(RangeError);
    expect(() => make(1, 0)).toThrow(RangeError);
  });
});
