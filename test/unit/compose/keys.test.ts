import { describe, expect, it } from 'vitest';
import { composeKeyStore } from '../../../runtime/src/compose/keys.js';
import { loadConfig } from '../../../runtime/src/config/load-config.js';
import { silentLogger } from '../../../runtime/src/shared/logger.js';
import { FakeClock } from '../../support/fake-clock.js';

const SECRET = 'c2VjcmV0LWEtdmFsdWU=';
/** Production refuses unsalted participant hashes; these tests are about keys. */
const SALT = 'a-salt-of-sufficient-length-0123456789';
const compose = (env: Record<string, string>, developmentKeys: 'allowed' | 'refused' = 'allowed') =>
  composeKeyStore(loadConfig(env), { clock: new FakeClock(), logger: silentLogger, developmentKeys });

describe('composeKeyStore with AUDIOHOOK_API_KEYS', () => {
  it('refuses to start with the stack-generated placeholder key, naming it', () => {
    expect(() => compose({ AUDIOHOOK_API_KEYS: JSON.stringify({ 'replace-me': SECRET, real: SECRET }) })).toThrow(
      /placeholder key "replace-me".*never accepted/,
    );
  });

  it('refuses to start in production with the public development key', () => {
    const env = { NODE_ENV: 'production', PARTICIPANT_HASH_SALT: SALT, AUDIOHOOK_API_KEYS: JSON.stringify({ 'dev-api-key': SECRET }) };
    expect(() => compose(env)).toThrow(/"dev-api-key".*in production/);
  });

  it('refuses the development key where development keys are refused (the Lambda)', () => {
    expect(() => compose({ AUDIOHOOK_API_KEYS: JSON.stringify({ 'dev-api-key': SECRET }) }, 'refused')).toThrow(/dev-api-key/);
  });

  it('accepts the development key in local development and real keys anywhere', async () => {
    const local = compose({ AUDIOHOOK_API_KEYS: JSON.stringify({ 'dev-api-key': SECRET }) });
    await expect(local.lookup('dev-api-key')).resolves.toMatchObject({ status: 'found' });
    const production = compose({ NODE_ENV: 'production', PARTICIPANT_HASH_SALT: SALT, AUDIOHOOK_API_KEYS: JSON.stringify({ 'k-7f3a': SECRET }) });
    await expect(production.lookup('k-7f3a')).resolves.toMatchObject({ status: 'found' });
  });
});
