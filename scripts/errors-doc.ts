import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, type WireOutcome } from '../runtime/src/shared/error-codes.js';

/**
 * Renders docs/errors.md from the error-code registry. `npx tsx scripts/errors-doc.ts` rewrites the
 * file; a unit test fails when the committed file differs from what this renders.
 */
export function renderErrorsDoc(): string {
  const rows = Object.entries(ERROR_CODES).map(
    ([code, spec]) => `| \`${code}\` | ${describeWire(spec.wire)} | ${spec.description} |`,
  );
  return [
    '# Error codes',
    '',
    'Generated from `runtime/src/shared/error-codes.ts` by `npx tsx scripts/errors-doc.ts`; a unit test keeps the two in',
    'sync. Each code says what the peer sees. Codes appear in log lines (`code` field) and in JSON error bodies; a',
    'retired code is never reused. Every authentication failure answers the same `401 {"error":{"code":"UNAUTHORIZED"}}`',
    'after the same minimum delay, so the specific `ERR_AUTH_*` code is only in the server log.',
    '',
    '| Code | What the peer sees | Meaning |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

function describeWire(wire: WireOutcome): string {
  switch (wire.kind) {
    case 'http':
      return `HTTP ${wire.status}`;
    case 'disconnect':
      return `\`disconnect\` reason \`${wire.reason}\`, info "${wire.info}"`;
    case 'socketClose':
      return 'WebSocket closed';
    case 'none':
      return 'nothing (logged, counted)';
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
}
