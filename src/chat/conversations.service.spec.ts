import { InvalidCursor } from './chat.exception';
import { decodeCursor, encodeCursor } from './conversations.service';

describe('the inbox cursor', () => {
  const id = '01a233b4-d37e-7103-8fdd-a5b16de3f11c';

  it('round-trips the microsecond timestamp and id', () => {
    expect(decodeCursor(encodeCursor({ cursor_micros: '1796160000123456', id }))).toEqual({
      atMicros: '1796160000123456',
      id,
    });
  });

  it.each([
    '',
    'bm9wZQ',
    Buffer.from(`12.${id}.x`).toString('base64url'),
    Buffer.from(`1e5.${id}`).toString('base64url'),
    Buffer.from('12.not-a-uuid').toString('base64url'),
    Buffer.from(`${'9'.repeat(30)}.${id}`).toString('base64url'),
  ])('refuses %p with a 400', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(InvalidCursor);
  });
});
