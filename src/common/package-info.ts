import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Parley's package.json version, found by walking up from this file (works from src/ and dist/). */
export function packageVersion(start = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'parley') return pkg.version ?? '0.0.0';
    }
    if (dirname(dir) === dir) return '0.0.0';
  }
}
