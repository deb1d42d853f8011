import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../runtime/src/shared/error-codes.js';
import { renderErrorsDoc } from '../../../scripts/errors-doc.js';

describe('error-code registry', () => {
  it('is documented in docs/errors.md exactly as the registry renders it', () => {
    const committed = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderErrorsDoc());
  });

  it('names every code ERR_<AREA>_<WHAT>', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(code).toMatch(/^ERR_[A-Z]+_[A-Z0-9_]+$/);
  });

  it('maps every authentication failure to HTTP 401 except key unavailability (503), org mismatch (disconnect) and log-only codes', () => {
    const auth = Object.entries(ERROR_CODES).filter(([code]) => code.startsWith('ERR_AUTH_'));
    for (const [code, spec] of auth) {
      if (code === 'ERR_AUTH_KEYS_UNAVAILABLE') expect(spec.wire).toEqual({ kind: 'http', status: 503 });
      else if (code === 'ERR_AUTH_ORGANIZATION_MISMATCH') expect(spec.wire).toMatchObject({ kind: 'disconnect', reason: 'unauthorized' });
      else if (code === 'ERR_AUTH_KEY_MAP_INVALID' || code === 'ERR_AUTH_NONCE_STORE_UNAVAILABLE') expect(spec.wire.kind).toBe('none');
      else expect(spec.wire).toEqual({ kind: 'http', status: 401 });
    }
  });
});
