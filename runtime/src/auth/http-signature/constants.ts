/**
 * Fixed values of the AudioHook request signature (AudioHook §1.3, after
 * draft-ietf-httpbis-message-signatures-11 as the Genesys reference implements it).
 */

/** The one signature label Genesys sends. */
export const SIGNATURE_LABEL = 'sig1';

/** The only algorithm Genesys uses and this server accepts. */
export const SIGNATURE_ALGORITHM = 'hmac-sha256';

/** Covered components Genesys signs, in the order it lists them; all six are required. */
export const REQUIRED_COMPONENTS = [
  '@request-target',
  '@authority',
  'audiohook-organization-id',
  'audiohook-session-id',
  'audiohook-correlation-id',
  'x-api-key',
] as const;

/** Signature parameters in the order Genesys sends them; any other parameter is refused. */
export const SIGNATURE_PARAMETERS = ['keyid', 'nonce', 'alg', 'created', 'expires'] as const;

/** Shortest nonce accepted, in characters (the reference server's limit; Genesys sends 24). */
export const MIN_NONCE_CHARS = 22;

/** Default tolerated clock difference to the signer, ms (the reference server's 3 s). */
export const DEFAULT_CLOCK_SKEW_MS = 3_000;

/** Default maximum age of a signature from its `created`, ms (the reference server's 10 s). */
export const DEFAULT_MAX_SIGNATURE_AGE_MS = 10_000;
