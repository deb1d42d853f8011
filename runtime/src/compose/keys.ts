import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DEVELOPMENT_API_KEY, DEVELOPMENT_CLIENT_SECRET_BASE64, parseApiKeyMap, placeholderApiKeys } from '../auth/api-key-map.js';
import type { KeyStore } from '../auth/ports.js';
import { createSecretsManagerKeyStore } from '../auth/secrets-manager-key-store.js';
import { createStaticKeyStore } from '../auth/static-key-store.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';

export interface KeyStoreDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Injected in tests; built here otherwise. */
  readonly secretsManager?: SecretsManagerClient;
  /**
   * Whether the documented development key pair may stand in when no keys are configured: yes for a
   * local server outside production, never for a Lambda (always reachable from the internet).
   */
  readonly developmentKeys: 'allowed' | 'refused';
}

/**
 * The API-key store from configuration, for the server and the Data Action Lambda alike: the
 * Secrets Manager secret (API_KEYS_SECRET_ID), else the local map (AUDIOHOOK_API_KEYS), else the
 * development pair where allowed.
 */
export function composeKeyStore(config: Config, deps: KeyStoreDeps): KeyStore {
  if (config.apiKeysSecretId !== undefined) {
    return createSecretsManagerKeyStore({
      client: deps.secretsManager ?? new SecretsManagerClient(config.awsRegion === undefined ? {} : { region: config.awsRegion }),
      secretId: config.apiKeysSecretId,
      refreshMs: config.apiKeysRefreshMs,
      previousVersionGraceMs: config.apiKeysPreviousGraceMs,
      clock: deps.clock,
      logger: deps.logger,
    });
  }
  if (config.apiKeysJson !== undefined) {
    const parsed = parseApiKeyMap(config.apiKeysJson);
    if (!parsed.ok) throw new Error(`AUDIOHOOK_API_KEYS: ${parsed.error.detail ?? parsed.error.code}`);
    const production = config.nodeEnv === 'production' || deps.developmentKeys === 'refused';
    const placeholders = placeholderApiKeys(parsed.value.keys(), { production });
    if (placeholders.length > 0) {
      throw new Error(
        `AUDIOHOOK_API_KEYS holds the published placeholder key ${placeholders.map((k) => JSON.stringify(k)).join(', ')}, which is never accepted${production ? ' in production' : ''}: generate a real key pair (docs/deploy.md §5)`,
      );
    }
    return createStaticKeyStore(parsed.value);
  }
  if (deps.developmentKeys === 'refused') {
    throw new Error('API_KEYS_SECRET_ID (or AUDIOHOOK_API_KEYS) must be set');
  }
  // Only reachable outside production (the config schema refuses production without keys).
  deps.logger.warn(
    { developmentApiKey: DEVELOPMENT_API_KEY, developmentClientSecret: DEVELOPMENT_CLIENT_SECRET_BASE64 },
    'no API keys configured: using the public development key pair; never expose this server',
  );
  const devKeys = parseApiKeyMap(JSON.stringify({ [DEVELOPMENT_API_KEY]: DEVELOPMENT_CLIENT_SECRET_BASE64 }));
  if (!devKeys.ok) throw new Error('development key pair is invalid');
  return createStaticKeyStore(devKeys.value);
}
