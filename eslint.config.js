// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import local from './eslint/boundaries.js';

const SRC = 'runtime/src';

/**
 * Import bans per runtime folder (docs/style.md §B.2). Paths (starting `../`, as seen from the folder)
 * are checked by `local/boundaries` on the resolved target, so they hold in nested folders too;
 * package names go to `no-restricted-imports`.
 */
const boundaries = {
  shared: ['../*', '!../shared/*', 'ws', '@aws-sdk/*', 'pino', 'zod'],
  protocol: ['../server/*', '../session/*', '../auth/*', '../audio/*', '../speech/*', '../bot/*', '../store/*', '../config/*', 'ws', '@aws-sdk/*', 'node:net', 'node:http', 'node:fs', 'node:fs/promises'],
  audio: ['../protocol/*', '!../protocol/constants.js', '../server/*', '../session/*', '../auth/*', '../speech/*', '../bot/*', '../store/*', 'ws', '@aws-sdk/*'],
  auth: ['../server/*', '../session/*', '../protocol/*', '../speech/*', '../bot/*', '../store/*', 'ws'],
  speech: ['../bot/*', '../store/*', '../session/*', '../server/*', '../protocol/*', 'ws'],
  bot: ['../speech/*', '../store/*', '../session/*', '../server/*', '../protocol/*', 'ws', '@aws-sdk/*', '../model/bedrock/*', '../../model/bedrock/*'],
  // Language models: the port, the fake, and the Bedrock adapter (the only file here that imports the SDK).
  model: ['../bot/*', '../speech/*', '../store/*', '../session/*', '../server/*', '../protocol/*', '../auth/*', '../config/*', 'ws'],
  store: ['../speech/*', '../bot/*', '../session/*', '../server/*', '../protocol/*', 'ws'],
  session: ['../server/*', '../auth/*', '../config/load-config.js', 'ws', '@aws-sdk/*', '../*/*-adapter.js', '../speech/transcribe/*', '../speech/polly/*', '../store/dynamodb-*'],
  server: ['@aws-sdk/*', '../speech/*', '../store/*'],
  config: ['../*', '!../config/*', '!../shared/*', '!../protocol/constants.js', 'ws', '@aws-sdk/*'],
  // The Lambda shares the key, logger and client wiring, never the server's (dynalite, speech) or its app.
  lambda: ['../server/*', '../session/*', 'ws', '../compose/store.js', '../compose/speech.js', '../compose/app.js', '../store/local-dynalite.js', '../speech/*'],
  'data-action': [
    '../server/*', '../session/*', '../speech/*', '../protocol/*', '../audio/*', '../config/*', '../lambda/*', 'ws', '@aws-sdk/*',
    '../store/dynamodb-*', '../store/local-dynalite.js', '../store/ensure-table.js',
  ],
};

/** `../x` as seen from runtime/src/<folder> → the repository-relative glob `runtime/src/x`. */
const toRepoGlob = (pattern) => {
  const allow = pattern.startsWith('!');
  const rest = (allow ? pattern.slice(1) : pattern).slice('../'.length).replace(/\/\*$/, '');
  return `${allow ? '!' : ''}${rest === '*' ? '*' : `${SRC}/${rest}`}`;
};
const isPath = (pattern) => pattern.replace(/^!/, '').startsWith('../');

const TEST_BAN = 'Nothing outside test/ imports test/: shared test-and-tool helpers live in runtime/tools/support.';

/** Domain folders never reach into the composition root (compose/ wires them, not the other way round). */
const composeBan = ['../compose/*'];

/** Zones for `local/boundaries`: every zone containing a file applies. */
const zones = [
  ...Object.entries(boundaries).map(([folder, patterns]) => ({
    from: `${SRC}/${folder}`,
    ban: [...(folder === 'lambda' ? [] : composeBan), ...patterns].filter(isPath).map(toRepoGlob),
    message: `runtime/src/${folder} may not import it (docs/style.md §B.2).`,
  })),
  { from: SRC, ban: ['runtime/tools', 'scripts', 'lib', 'bin'], message: 'The runtime imports only runtime/src.' },
  { from: 'runtime', ban: ['test'], message: TEST_BAN },
  { from: 'scripts', ban: ['test'], message: TEST_BAN },
  { from: 'scripts', ban: ['runtime/tools'], message: 'Build scripts do not depend on runtime/tools (tools may use scripts).' },
  { from: 'lib', ban: ['test'], message: TEST_BAN },
  { from: 'bin', ban: ['test'], message: TEST_BAN },
];

const runtimeBans = ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', '**/lib/*', '**/bin/*'];

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
    rules: { 'no-restricted-imports': ['error', { patterns: [...runtimeBans, ...patterns.filter((p) => !isPath(p))] }] },
  })),
  // No function in the runtime longer than 120 lines (docs/style.md): split by responsibility.
  {
    files: [`${SRC}/**/*.ts`],
    rules: { 'max-lines-per-function': ['error', { max: 120, skipBlankLines: false, skipComments: false }] },
  },
  // Folder boundaries on resolved paths (eslint/boundaries.js), at any depth.
  {
    files: ['**/*.ts'],
    plugins: { local },
    rules: { 'local/boundaries': ['error', { root: import.meta.dirname, zones }] },
  },
  // Infrastructure may only share the env-var names with the runtime.
  {
    files: ['bin/**/*.ts', 'lib/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: 'runtime/(?!src/(config/(env-keys|metric-names|placeholder-keys|server-limits)|server/routes)\\.js$)',
              message:
                'lib/ and bin/ may import only the shared names in runtime/src/config/{env-keys,metric-names,placeholder-keys,server-limits} and the route list in runtime/src/server/routes.',
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
