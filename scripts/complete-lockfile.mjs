#!/usr/bin/env node
// Adds package-lock.json entries for other platforms' optional native packages (e.g.
// `@swc/core-darwin-arm64`) that this workplace's npm mirror does not carry. Without them
// `npm ci` refuses the lockfile ("Missing: … from lock file") on every machine. Entries carry
// `os`/`cpu`/`libc` so npm skips them where they do not apply, and fetches them by version
// (registry integrity) where they do. Run after `npm install` changes the lockfile:
//   node scripts/complete-lockfile.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

const platformOf = (name) => {
  const id = name.split('/').pop();
  const os = ['darwin', 'win32', 'linux', 'freebsd', 'android', 'openharmony'].find((o) => id.includes(o));
  const cpu = ['arm64', 'x64', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64', 'arm'].find((c) =>
    new RegExp(`(^|-)${c}(-|$)`).test(id.replace(/-(gnueabihf|musleabihf|eabi)$/, '')),
  );
  const libc = /musl/.test(id) ? 'musl' : os === 'linux' && /gnu/.test(id) ? 'glibc' : undefined;
  return { os, cpu, libc };
};

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${path ? `${path}/` : ''}node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    const { os, cpu, libc } = platformOf(name);
    if (!os || !cpu) continue; // not a platform binary package: leave it to npm
    const version = /^\d+\.\d+\.\d+/.test(spec) ? spec : undefined;
    if (!version) continue;
    packages[`node_modules/${name}`] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [os],
      cpu: [cpu],
      ...(libc ? { libc: [libc] } : {}),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entr${added === 1 ? 'y' : 'ies'}`);
try {
  execFileSync('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], { stdio: 'pipe' });
  console.log('complete-lockfile: npm ci accepts the lockfile');
} catch (error) {
  console.error(
    String(error.stderr ?? error)
      .split('\n')
      .filter((l) => l.includes('error'))
      .slice(0, 10)
      .join('\n'),
  );
  process.exit(1);
}
