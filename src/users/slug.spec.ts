import { slugify, slugWithSuffix } from './slug';

describe('slugify', () => {
  it('makes URL-safe handles', () => {
    expect(slugify('Acme Corp, Inc.')).toBe('acme-corp-inc');
    expect(slugify('  Café Ünïcode  ')).toBe('cafe-unicode');
    expect(slugify('!!!')).toBe('org');
  });

  it('adds a random suffix on demand', () => {
    expect(slugWithSuffix('Acme')).toMatch(/^acme-[0-9a-f]{6}$/);
  });
});
