import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * Typebot exports for tests, from two places:
 * - the project's own fixtures in `test/fixtures/typebot/` (written for Parley, always present);
 * - an external corpus of real Typebot exports (a folder with `flows/` and `api-samples/`), used
 *   only when `TYPEBOT_CORPUS_DIR` names it. A relative path is read from the repository root.
 *   `.ci/run` sets it, so CI always runs the corpus cases; a plain clone skips them.
 */
export const REPO_ROOT = resolve(__dirname, '..', '..');
export const FIXTURES_DIR = join(REPO_ROOT, 'test', 'fixtures', 'typebot');

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const jsonFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();

/** The external corpus folder, or undefined when `TYPEBOT_CORPUS_DIR` is not set. Throws if it is set but missing. */
export function corpusDir(): string | undefined {
  const raw = process.env.TYPEBOT_CORPUS_DIR?.trim();
  if (!raw) return undefined;
  const dir = isAbsolute(raw) ? raw : resolve(REPO_ROOT, raw);
  if (!existsSync(join(dir, 'flows'))) {
    throw new Error(`TYPEBOT_CORPUS_DIR is set to "${raw}", but ${join(dir, 'flows')} does not exist`);
  }
  return dir;
}

function requiredCorpusDir(): string {
  const dir = corpusDir();
  if (!dir) throw new Error('the Typebot corpus is read only when TYPEBOT_CORPUS_DIR is set (use describeCorpus)');
  return dir;
}

/**
 * A suite over the external corpus, named "(corpus) <name>". Without `TYPEBOT_CORPUS_DIR` its body
 * is never run (so it may read corpus files at collection time): one skipped test says why.
 */
export function describeCorpus(name: string, body: () => void): void {
  if (corpusDir()) {
    describe(`(corpus) ${name}`, body);
    return;
  }
  describe.skip(`(corpus) ${name}`, () => {
    it('runs when TYPEBOT_CORPUS_DIR names the Typebot corpus', () => undefined);
  });
}

/** One of the project's own Typebot exports in `test/fixtures/typebot/`, parsed (a fresh copy each call). */
export const fixture = <T = Record<string, unknown>>(name: string): T => readJson<T>(join(FIXTURES_DIR, name));

/** The project's own Typebot exports (file names, sorted). */
export const fixtureFiles = (): string[] => jsonFiles(FIXTURES_DIR);

/** A recorded-style Typebot chat answer written for a fixture: `test/fixtures/typebot/chat/<name>`. */
export const fixtureAnswer = <T = Record<string, unknown>>(name: string): T =>
  readJson<T>(join(FIXTURES_DIR, 'chat', name));

/** The corpus flow files (file names, sorted); only inside `describeCorpus`. */
export const corpusFiles = (): string[] => jsonFiles(join(requiredCorpusDir(), 'flows'));

/** A corpus flow, parsed; only inside `describeCorpus`. */
export const corpusFlow = <T = Record<string, unknown>>(name: string): T =>
  readJson<T>(join(requiredCorpusDir(), 'flows', name));

/** A recorded answer of Typebot's chat API from the corpus `api-samples/`; only inside `describeCorpus`. */
export const corpusSample = <T = Record<string, unknown>>(name: string): T =>
  readJson<T>(join(requiredCorpusDir(), 'api-samples', name));
