// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const SRC = 'runtime/src';

/** Import bans per runtime folder (docs/style.md §B.2). Patterns are matched against import specifiers. */
const boundaries = {
  shared: ['../*', '!../shared/*', 'ws', '@aws-sdk/*', 'pino', 'zod'],
  protocol: ['../server/*', '../session/*', '../auth/*', '../audio/*', '../speech/*', '../bot/*', '../store/*', '../config/*', 'ws', '@aws-sdk/*', 'node:net', 'node:http', 'node:fs', 'node:fs/promises'],
  audio: ['../protocol/*', '../server/*', '../session/*', '../auth/*', '../speech/*', '../bot/*', '../store/*', 'ws', '@aws-sdk/*'],
  auth: ['../server/*', '../session/*', '../protocol/*', '../speech/*', '../bot/*', '../store/*', 'ws'],
  speech: ['../bot/*', '../store/*', '../session/*', '../server/*', '../protocol/*', 'ws'],
  bot: ['../speech/*', '../store/*', '../session/*', '../server/*', '../protocol/*', 'ws', '@aws-sdk/*'],
  store: ['../speech/*', '../bot/*', '../session/*', '../server/*', '../protocol/*', 'ws'],
  session: ['../server/*', '../auth/*', '../config/load-config.js', 'ws', '@aws-sdk/*', '../*/*-adapter.js', '../speech/transcribe/*', '../speech/polly/*', '../store/dynamodb-*'],
  server: ['@aws-sdk/*', '../speech/*', '../store/*'],
  config: ['../*', '!../config/*', '!../shared/*', 'ws', '@aws-sdk/*'],
  // The Lambda shares the key, logger and client wiring, never the server's (dynalite, speech) or its app.
  lambda: ['../server/*', '../session/*', 'ws', '../compose/store.js', '../compose/speech.js', '../compose/app.js', '../store/local-dynalite.js', '../speech/*'],
  'data-action': [
    '../server/*', '../session/*', '../speech/*', '../protocol/*', '../audio/*', '../config/*', '../lambda/*', 'ws', '@aws-sdk/*',
    '../store/dynamodb-*', '../store/local-dynalite.js', '../store/ensure-table.js',
  ],
};

const runtimeBans = ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', '**/lib/*', '**/bin/*'];

/** Domain folders never reach into the composition root (compose/ wires them, not the other way round). */
const composeBan = ['../compose/*'];

const timeBans = [
  { object: 'Date', property: 'now', message: 'Take a Clock (shared/clock.ts).' },
  { object: 'performance', property: 'now', message: 'Take a Clock (shared/clock.ts).' },
  { object: 'process', property: 'env', message: 'Read configuration in config/load-config.ts only.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'dist/**', 'coverage/**', 'bench-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  // Runtime: no console, no raw time, no process.env outside the composition root.
  {
    files: [`${SRC}/**/*.ts`],
    rules: {
      'no-console': 'error',
      'no-restricted-properties': ['error', ...timeBans],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Take a Clock (shared/clock.ts).' },
        { name: 'setInterval', message: 'Take a Clock (shared/clock.ts).' },
      ],
    },
  },
  {
    files: [`${SRC}/shared/clock.ts`],
    rules: { 'no-restricted-properties': 'off', 'no-restricted-globals': 'off' },
  },
  {
    files: [`${SRC}/main.ts`, `${SRC}/config/load-config.ts`, `${SRC}/lambda/handler.ts`],
    rules: { 'no-restricted-properties': ['error', ...timeBans.filter((b) => b.object !== 'process')] },
  },
  // The runtime never imports infrastructure or the AWS CDK.
  {
    files: [`${SRC}/**/*.ts`, 'runtime/tools/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: runtimeBans }] },
  },
  // Later blocks replace the rule, so each folder's list repeats the runtime-wide bans.
  ...Object.entries(boundaries).map(([folder, patterns]) => ({
    files: [`${SRC}/${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: [...runtimeBans, ...(folder === 'lambda' ? [] : composeBan), ...patterns] }] },
  })),
  // Infrastructure may only share the env-var names with the runtime.
  {
    files: ['bin/**/*.ts', 'lib/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: 'runtime/(?!src/config/(env-keys|metric-names)\\.js$)',
              message: 'lib/ and bin/ may import only the shared names in runtime/src/config/{env-keys,metric-names}.',
            },
          ],
        },
      ],
    },
  },
  // Tests may use whatever they need, but still no floating promises.
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
