import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');

export interface SpawnedParley {
  readonly child: ChildProcess;
  readonly url: Promise<string>;
  readonly output: () => string;
  /** Resolves once the process has printed `text`. */
  readonly printed: (text: string) => Promise<void>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs a built entry point (default `dist/src/main.js`, i.e. `npm start` without the build) as a real
 * process with the given environment, and resolves `url` from its "listening" log line.
 */
export function spawnParley(env: Record<string, string>, script = 'dist/src/main.js'): SpawnedParley {
  const child = spawn(process.execPath, [join(repoRoot, script)], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s"]+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exit.then(({ code }) => reject(new Error(`exited with ${String(code)} before listening:\n${output}`)));
  });
  url.catch(() => undefined);
  const printed = (text: string): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (!output.includes(text)) return;
        child.stdout.off('data', check);
        resolve();
      };
      child.stdout.on('data', check);
      check();
    });
  return { child, url, output: () => output, printed, exit };
}
