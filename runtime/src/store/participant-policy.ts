import { createHash, createHmac } from 'node:crypto';
import type { StoredParticipant } from './ports.js';

/**
 * What happens to the caller's identity (ANI, ANI name, DNIS: personal data) before it is stored.
 * `store` keeps it as Genesys sent it; `hash` keeps a one-way digest, so records of the same caller
 * can still be matched; `drop` keeps nothing.
 */
export type ParticipantPolicyMode = 'store' | 'hash' | 'drop';

/** Every {@link ParticipantPolicyMode}, for config schemas. */
export const PARTICIPANT_POLICY_MODES = ['store', 'hash', 'drop'] as const satisfies readonly ParticipantPolicyMode[];

/** The policy in force, built once from configuration. */
export interface ParticipantPolicy {
  readonly mode: ParticipantPolicyMode;
  /**
   * Key of HMAC-SHA256 for `hash`. Without it, plain SHA-256 is used, which anyone can reverse for
   * phone numbers by trying them all: configure a salt in production.
   */
  readonly salt?: Uint8Array;
}

/** The caller fields of an AudioHook `open` (protocol names kept out of this module). */
export interface ParticipantInput {
  readonly ani?: string;
  readonly aniName?: string;
  readonly dnis?: string;
}

/** Whether `value` is one of the {@link ParticipantPolicyMode}s. */
export function isParticipantPolicyMode(value: string): value is ParticipantPolicyMode {
  return (PARTICIPANT_POLICY_MODES as readonly string[]).includes(value);
}

/**
 * Applies the policy to one participant. Hashed values are lower-case hex prefixed with the
 * algorithm (`hmac-sha256:` or `sha256:`), so a reader knows how they were made. Empty and missing
 * fields stay absent: a digest of "" would only look like data.
 */
export function toStoredParticipant(participant: ParticipantInput, policy: ParticipantPolicy): StoredParticipant {
  if (policy.mode === 'drop') return {};
  const out: { ani?: string; aniName?: string; dnis?: string } = {};
  for (const field of ['ani', 'aniName', 'dnis'] as const) {
    const value = participant[field];
    if (value === undefined || value === '') continue;
    out[field] = policy.mode === 'store' ? value : digest(value, policy.salt);
  }
  return out;
}

function digest(value: string, salt: Uint8Array | undefined): string {
  if (salt !== undefined && salt.length > 0) {
    return `hmac-sha256:${createHmac('sha256', salt).update(value, 'utf8').digest('hex')}`;
  }
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}
