import { readdirSync } from 'node:fs';
import { migrations } from './index';

describe('migrations index', () => {
  it('lists every migration file exactly once, in timestamp order', () => {
    const files = readdirSync(__dirname)
      .filter((f) => /^\d+-.+\.ts$/.test(f))
      .sort();
    const names = (migrations as { name: string }[]).map((m) => m.name);
    const expected = files.map((f) => {
      const [timestamp, ...rest] = f.replace(/\.ts$/, '').split('-');
      return `${rest.join('-').replace(/(^|[-_])(\w)/g, (_m, _s, c: string) => c.toUpperCase())}${timestamp}`;
    });
    expect(names).toEqual(expected);
  });
});
