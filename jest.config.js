// @ts-check
const fs = require('node:fs');
const path = require('node:path');

/** Unit specs live beside the code; end-to-end specs in test/ boot the real app on real services. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
    // With --coverage, SWC instruments the code (istanbul counters): far cheaper than converting
    // V8 coverage of every loaded file after each test file.
    experimental: { customCoverageInstrumentation: { enabled: true } },
  },
];

/**
 * Nest 12 and many of its dependencies ship ESM only. Node runs them through require(esm), but Jest
 * on Node 20 cannot, so every ESM package under node_modules is compiled to CommonJS by SWC too.
 */
function esmPackages(dir = path.join(__dirname, 'node_modules'), found = new Set()) {
  for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      esmPackages(path.join(dir, entry), found);
      continue;
    }
    const manifest = path.join(dir, entry, 'package.json');
    try {
      const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      if (pkg.type === 'module' && pkg.name) found.add(pkg.name);
    } catch {
      // not a package
    }
    esmPackages(path.join(dir, entry, 'node_modules'), found);
  }
  return found;
}
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const esm = [...esmPackages()].map(escape).join('|');

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': swc },
  // ESM-only packages must be transformed too.
  transformIgnorePatterns: [`/node_modules/(?!(${esm})/)`],
  moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1' },
};

/** @type {import('jest').Config} */
module.exports = {
  maxWorkers: process.env.CI ? 2 : '50%',
  // Lines of src/ run by unit and end-to-end specs (in-process apps; the process specs' children
  // are not counted). `npm test` fails below the threshold.
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/**/testing/**'],
  coverageProvider: 'babel',
  coverageReporters: ['text-summary', 'json-summary'],
  coverageThreshold: { global: { lines: 95 } },
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/migrations/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
