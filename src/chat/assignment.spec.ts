import { type Candidate, pickAgent, roundRobinOrder } from './assignment';

const c = (userId: string, open = 0, capacity = 5): Candidate => ({ userId, open, capacity });

describe('roundRobinOrder', () => {
  it('starts after the one assigned last and wraps around', () => {
    const order = roundRobinOrder([c('b'), c('c'), c('a')], 'b').map((x) => x.userId);
    expect(order).toEqual(['c', 'a', 'b']);
  });

  it('starts at the first when nobody was assigned yet, or the last one is gone', () => {
    expect(roundRobinOrder([c('b'), c('a')], null).map((x) => x.userId)).toEqual(['a', 'b']);
    expect(roundRobinOrder([c('b'), c('a')], 'z').map((x) => x.userId)).toEqual(['a', 'b']);
    expect(roundRobinOrder([c('b'), c('d')], 'c').map((x) => x.userId)).toEqual(['d', 'b']);
  });

  it('leaves out agents at capacity', () => {
    expect(roundRobinOrder([c('a', 2, 2), c('b', 1, 2)], null).map((x) => x.userId)).toEqual(['b']);
  });
});

describe('pickAgent', () => {
  it('round robin cycles over the agents', () => {
    const agents = [c('a'), c('b'), c('c')];
    const picks: string[] = [];
    let last: string | null = null;
    for (let i = 0; i < 6; i++) {
      last = pickAgent('round_robin', agents, last);
      picks.push(last!);
    }
    expect(picks).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('least busy picks the emptiest, ties in round-robin order', () => {
    expect(pickAgent('least_busy', [c('a', 3), c('b', 1), c('c', 2)], null)).toBe('b');
    expect(pickAgent('least_busy', [c('a', 1), c('b', 1), c('c', 2)], 'a')).toBe('b');
    expect(pickAgent('least_busy', [c('a', 1), c('b', 1)], 'b')).toBe('a');
  });

  it('answers null when nobody has room', () => {
    expect(pickAgent('round_robin', [c('a', 1, 1)], null)).toBeNull();
    expect(pickAgent('least_busy', [], null)).toBeNull();
    expect(pickAgent('least_busy', [c('a', 0, 0)], null)).toBeNull();
  });
});
