// Runs npm scripts side by side and fails if any fails: `node scripts/run-parallel.mjs typecheck lint`.
// `npm test` uses it so tsc and the typed lint (each mostly on one core) share the machine's cores.
import { spawn } from 'node:child_process';
import process from 'node:process';

const scripts = process.argv.slice(2);
const results = await Promise.all(
  scripts.map(
    (script) =>
      new Promise((resolve) => {
        let output = '';
        const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout.on('data', (chunk) => (output += chunk));
        child.stderr.on('data', (chunk) => (output += chunk));
        child.on('close', (code) => resolve({ script, code, output }));
      }),
  ),
);
// Whole outputs one after the other, so two tools' lines never interleave.
for (const { script, code, output } of results) {
  process.stdout.write(`> ${script}: ${code === 0 ? 'ok' : `failed (exit ${code})`}\n${output}`);
}
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
