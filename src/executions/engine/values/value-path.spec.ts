import { parsePath, readPath } from './value-path';

const response = {
  statusCode: 200,
  data: {
    items: [
      { name: 'first', tags: ['a', 'b'] },
      { name: 'second', tags: ['c'] },
    ],
    'full name': 'Jane Doe',
    count: 2,
  },
};

describe('readPath', () => {
  it.each([
    ['statusCode', 200],
    ['data.count', 2],
    ['data.items[0].name', 'first'],
    ['data.items[1].tags[0]', 'c'],
    ['data["full name"]', 'Jane Doe'],
    ["data['full name']", 'Jane Doe'],
    ['data.items.length', 2],
    ['data.items.map(item => item.name)', ['first', 'second']],
    ['data.items.flatMap((item) => item.tags)', ['a', 'b', 'c']],
    ['data.missing.deeper', undefined],
    ['data.items[5].name', undefined],
  ])('%s', (path, expected) => {
    expect(readPath(response, path)).toEqual({ ok: true, value: expected });
  });

  it('reads the root with an empty path', () => {
    expect(readPath(response, '')).toEqual({ ok: true, value: response });
  });

  it('never reads inherited or prototype properties', () => {
    expect(readPath(response, 'data.constructor')).toEqual({ ok: true, value: undefined });
    expect(readPath(response, 'data.__proto__')).toEqual({ ok: true, value: undefined });
    expect(readPath(response, 'data.toString')).toEqual({ ok: true, value: undefined });
  });

  it('refuses what is not a plain path', () => {
    expect(readPath(response, 'data.items.filter(x => x.ok)').ok).toBe(false);
    expect(readPath(response, 'process.exit()').ok).toBe(false);
    expect(parsePath('data.items[0]; alert(1)')).toBeUndefined();
  });
});
