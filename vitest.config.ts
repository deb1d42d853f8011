import { defineConfig } from 'vitest/config';

// Three projects (docs/style.md §B.11): fast pure tests, real-socket integration tests, CDK synthesis.
export default defineConfig({
  test: {
    // `npm run coverage`: a smoke alarm for the pure domains (docs/style.md §B.11), not a goal.
    coverage: {
      provider: 'v8',
      include: ['runtime/src/{protocol,audio,auth,session}/**'],
      exclude: ['**/*-types.ts', '**/ports.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: { lines: 90 },
    },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.int.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'cdk',
          include: ['test/cdk/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
        },
      },
    ],
  },
});
