import type { Construct } from 'constructs';
import { ENV } from '../../runtime/src/config/env-keys.js';
import { KeySecret } from './key-secret.js';

/** Props of {@link ApiKeySecret} and {@link DataActionKeySecret}. */
export interface ImportableSecretProps {
  /**
   * Name of an existing secret to use instead of creating one (same JSON shape).
   * @default undefined — a new secret is created
   */
  readonly existingSecretName?: string;
  /**
   * Customer-managed KMS key of the existing secret.
   * @default undefined — the AWS managed key
   */
  readonly encryptionKeyArn?: string;
}

/**
 * The Genesys AudioHook API keys and client secrets, `{ "<apiKey>": "<base64 client secret or empty>" }`
 * (the runtime's `AUDIOHOOK_API_KEYS` shape), found through `API_KEYS_SECRET_ID`.
 */
export class ApiKeySecret extends KeySecret {
  /** Key of the generated placeholder entry in a new secret. */
  public static readonly PLACEHOLDER_API_KEY = KeySecret.PLACEHOLDER_KEY;

  constructor(scope: Construct, id: string, props: ImportableSecretProps = {}) {
    super(scope, id, {
      ...props,
      purpose: 'audiohook-api-keys',
      description: 'Genesys Audio Connector API keys: JSON {"<apiKey>": "<base64 client secret or empty>"}',
      envName: ENV.API_KEYS_SECRET_ID,
    });
  }
}

/**
 * The Data Action route's own keys, each bound to one Genesys organization:
 * `{ "<key>": { "organizationId": "<uuid>" } }`, found through `DATA_ACTION_KEYS_SECRET_ID`.
 */
export class DataActionKeySecret extends KeySecret {
  constructor(scope: Construct, id: string, props: ImportableSecretProps = {}) {
    super(scope, id, {
      ...props,
      purpose: 'data-action-keys',
      description: 'Genesys Data Action keys: JSON {"<key>": {"organizationId": "<Genesys organization uuid>"}}',
      envName: ENV.DATA_ACTION_KEYS_SECRET_ID,
    });
  }
}
