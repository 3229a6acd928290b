// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// class-validator's IsOptional lets null through to the service and the database.
const classValidatorIsOptional = {
  name: 'class-validator',
  importNames: ['IsOptional'],
  message:
    'Use OptionalNotNull() (or OptionalNullable() where null clears a field) from @/common/validation/field-validators.',
};

/** Feature modules under src/ whose repositories and entities are private to them. */
const featureModules = [
  'auth',
  'chatbots',
  'executions',
  'users',
  'events',
  'queue',
  'health',
  'metrics',
  'integrations',
  'contacts',
  'chat',
  'billing',
  'notifications',
];

/** Patterns (alias and relative) for another module's repositories and entities. */
const privatePartsOf = (other) => ({
  group: [`**/${other}/**/*.repository`, `**/${other}/**/*.repository.js`, `**/${other}/**/entities/*`],
  message: `A module reaches "${other}" through its exported services, not its repositories or entities (docs/architecture.md, Module boundaries).`,
});

/** auth depends on users; users takes the access primitives from src/access, so no cycle. */
const usersNotAuth = {
  group: ['@/auth', '@/auth/*', '../auth/*', '../../auth/*'],
  message: 'users may not import auth (auth uses users): take principal, roles, tenant and decorators from @/access.',
};

/** What the flow engine may not import: frameworks, persistence, queues, the network. */
const engineForbidden = {
  group: [
    '@nestjs/*',
    'typeorm',
    'typeorm/*',
    'bullmq',
    'ioredis',
    'pg',
    'pg/*',
    'undici',
    'openai',
    'openai/*',
    'axios',
    'node:http',
    'node:https',
    'node:http2',
    'node:net',
    'node:tls',
    'node:dgram',
    'node:dns',
    'http',
    'https',
    'http2',
    'net',
    'tls',
    'dgram',
    'dns',
  ],
  message: 'src/executions/engine is pure: no NestJS, TypeORM, BullMQ, Redis, database or network modules.',
};
const engineAppImports = {
  group: ['@/*', '!@/flows', '!@/executions', '@/executions/*', '!@/executions/engine'],
  message: 'src/executions/engine may import only itself and @/flows.',
};
/** Relative imports that climb out of src/executions/engine, by the depth of the importing file. */
const engineRelativeEscape = (depth) => ({
  group: ['../'.repeat(depth + 1) + '*', '!../../../test'],
  message: 'src/executions/engine may import only itself and @/flows.',
});

function moduleBoundaryConfigs() {
  const moduleRule = (m, extraPatterns = []) => [
    'error',
    {
      paths: [classValidatorIsOptional],
      patterns: [...featureModules.filter((other) => other !== m).map(privatePartsOf), ...extraPatterns],
    },
  ];
  const engineFiles = (depth) => `src/executions/engine/${'*/'.repeat(depth)}*.ts`;
  return [
    { files: ['src/**/*.ts'], rules: { 'no-restricted-imports': moduleRule(undefined) } },
    ...featureModules.map((m) => ({
      files: [`src/${m}/**/*.ts`],
      rules: { 'no-restricted-imports': moduleRule(m, m === 'users' ? [usersNotAuth] : []) },
    })),
    ...[0, 1, 2, 3].map((depth) => ({
      files: [engineFiles(depth)],
      rules: {
        'no-restricted-imports': moduleRule('executions', [
          engineForbidden,
          engineAppImports,
          engineRelativeEscape(depth),
        ]),
      },
    })),
  ];
}

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', '.data/**', 'jest.config.js', 'test/fixtures/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/explicit-module-boundary-types': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      // process.env is read in one place: src/config (and the test harness).
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through AppConfig (src/config).' },
      ],
    },
  },
  // Module boundaries (docs/architecture.md, "Module boundaries"): a module reaches another through
  // its exported services, never its repositories or entities; the flow engine stays pure.
  ...moduleBoundaryConfigs(),
  {
    files: ['src/common/validation/field-validators.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Unit tests are exempt from the boundaries (test/** never had them): they stub repositories.
    files: ['src/**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [classValidatorIsOptional] }] },
  },
  {
    files: ['src/config/**', 'src/main.ts', 'test/**', 'bench/**', 'src/common/embedded.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Errors are coded exception classes declared in a module's `*.exception.ts` (CONVENTIONS.md, Errors).
    files: ['src/**/*.ts', 'test/**/*.ts'],
    ignores: ['src/common/errors/**', '**/*.exception.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='DomainException']",
          message:
            "Throw a coded exception class (declare it in the module's *.exception.ts), not new DomainException({...}).",
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { ...globals.node } },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
