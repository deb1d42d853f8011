import { defineConfig } from 'vitest/config';

// Projects (docs/style.md §B.11): fast pure tests, real-socket integration tests, CDK synthesis; the
// soak runs on its own (`npm run soak`).
export default defineConfig({
  test: {
    // Vitest's default on a 2-core machine is one worker (cores - 1), which ran all 165 files one after
    // another while the CPU sat half idle (56 % of one core): most integration files wait on real
    // sockets and real-time paced audio, not on the CPU. Four workers overlap those waits.
    maxWorkers: 4,
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
        // Pure tests share one module graph (no per-file isolation, worker threads): most of the
        // project's time was re-importing the same modules for each file. A file that replaces a
        // module (vi.mock) is named *.isolated.test.ts and runs in the isolated project below.
        test: {
          name: 'unit',
          sequence: { groupOrder: 1 },
          include: ['test/unit/**/*.test.ts'],
          exclude: ['test/unit/**/*.isolated.test.ts'],
          environment: 'node',
          pool: 'threads',
          isolate: false,
        },
      },
      {
        test: {
          name: 'unit-isolated',
          sequence: { groupOrder: 1 },
          include: ['test/unit/**/*.isolated.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.int.test.ts'],
          environment: 'node',
          // Files in a worker share one module graph too: each file had re-imported the server, the
          // AWS SDK and the local endpoints (half of the project's CPU). Every file starts and stops
          // its own servers, ports and clocks, so nothing it needs is module state.
          isolate: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        // `npm run soak` (not part of `npm test`): hundreds of cycling sessions for 15 s with memory,
        // handle and timer checks; needs the machine to itself more than the other projects do.
        test: {
          name: 'soak',
          include: ['test/soak/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'cdk',
          include: ['test/cdk/**/*.test.ts'],
          environment: 'node',
          // One worker, before the other projects (a project with its own worker count needs its own
          // group): each worker imports aws-cdk-lib and synthesizes the shared stacks once, so four
          // workers spent 51 s of CPU on what one does in 14 s.
          maxWorkers: 1,
          sequence: { groupOrder: 0 },
          // aws-cdk-lib is imported once per worker instead of once per file (CPU 78 s -> 65 s); every
          // test builds its own App and stack, so nothing is shared but the modules.
          isolate: false,
          testTimeout: 120_000,
        },
      },
    ],
  },
});
