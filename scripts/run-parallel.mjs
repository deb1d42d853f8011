// Runs npm scripts side by side and fails if any fails:
//   node scripts/run-parallel.mjs test:suites --beside typecheck lint
// Scripts before `--beside` stream their output as they run. Scripts after it run at a lower CPU
// priority with their output held back and printed whole at the end: `npm test` runs tsc and the typed
// lint beside the test suites, so they fill the cores the suites leave idle while waiting on sockets
// and real-time audio (about 30 s less than running them first), and yield the CPU to timing tests.
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import process from 'node:process';

/** Niceness of the `--beside` scripts: they give way to the suites on a busy machine. */
const BESIDE_NICENESS = 10;

const args = process.argv.slice(2);
const split = args.indexOf('--beside');
const foreground = split === -1 ? args : args.slice(0, split);
const beside = split === -1 ? [] : args.slice(split + 1);
if (foreground.length + beside.length === 0) {
  process.stderr.write('usage: node scripts/run-parallel.mjs <script>... [--beside <script>...]\n');
  process.exit(2);
}

/** Runs one npm script; `live` streams its output, otherwise it is collected for the summary. */
function run(script, live) {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', live ? 'inherit' : 'pipe', live ? 'inherit' : 'pipe'] });
    if (!live) {
      // Best effort: an unprivileged process may always lower its own children's priority.
      try {
        setPriority(child.pid, BESIDE_NICENESS);
      } catch {
        /* the script still runs, at normal priority */
      }
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
    }
    child.on('close', (code, signal) => resolve({ script, code: code ?? (signal === null ? 1 : 128), output }));
  });
}

const results = await Promise.all([...foreground.map((s) => run(s, true)), ...beside.map((s) => run(s, false))]);
// Held-back outputs one after the other, so two tools' lines never interleave with each other or the suites.
for (const { script, code, output } of results) {
  process.stdout.write(`> ${script}: ${code === 0 ? 'ok' : `failed (exit ${code})`}\n${output}`);
}
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
