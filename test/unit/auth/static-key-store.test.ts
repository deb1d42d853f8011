import { describe, expect, it } from 'vitest';
import { createStaticKeyStore } from '../../../runtime/src/auth/static-key-store.js';

const SECRET = new Uint8Array([1, 2, 3]);

describe('createStaticKeyStore', () => {
  it('finds a configured key with its secret', async () => {
    const store = createStaticKeyStore(new Map([['key-a', SECRET]]));
    await expect(store.lookup('key-a')).resolves.toEqual({ status: 'found', clientSecret: SECRET });
  });

  it('answers unknown for a key that is not configured', async () => {
    const store = createStaticKeyStore(new Map([['key-a', SECRET]]));
    await expect(store.lookup('key-b')).resolves.toEqual({ status: 'unknown' });
  });

  it('is ready before start', () => {
    expect(createStaticKeyStore(new Map()).readiness()).toEqual({ ready: true });
  });

  it('ignores later changes to the map it was built from', async () => {
    const keys = new Map([['key-a', SECRET]]);
    const store = createStaticKeyStore(keys);
    keys.delete('key-a');
    await expect(store.lookup('key-a')).resolves.toMatchObject({ status: 'found' });
  });
});
