import { toPage } from './keyset';

describe('toPage', () => {
  const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

  it('returns a cursor when there are more rows than the limit', () => {
    expect(toPage(rows, 2, (r) => r.id)).toEqual({ items: ['a', 'b'], nextCursor: 'b' });
  });

  it('returns no cursor on the last page', () => {
    expect(toPage(rows, 3, (r) => r.id)).toEqual({ items: ['a', 'b', 'c'], nextCursor: null });
  });
});
