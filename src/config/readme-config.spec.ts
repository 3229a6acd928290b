import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envSchema } from './config.schema';

/** Every variable named in a row of one of the README's tables (`A` / `B` rows name both). */
function documentedVariables(readme: string): Set<string> {
  const rows = readme.split('\n').filter((line) => line.startsWith('|'));
  const names = rows.flatMap((row) =>
    [...(row.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!),
  );
  return new Set(names);
}

describe('the README documents every configuration variable', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const documented = documentedVariables(readme);

  it('has a table row for each variable the schema reads', () => {
    const missing = Object.keys(envSchema.shape).filter((name) => !documented.has(name));
    expect(missing).toEqual([]);
  });

  it('documents no variable the schema does not read', () => {
    const known = new Set(Object.keys(envSchema.shape));
    // Variables the tests and CI read (not the app) are documented in prose, not in the tables.
    const unknown = [...documented].filter((name) => !known.has(name));
    expect(unknown).toEqual([]);
  });
});
