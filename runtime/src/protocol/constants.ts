/**
 * AudioHook v2 limits and timings. Sources: docs/audiohook-protocol.md (section noted), which cites
 * the Genesys reference implementations. Values marked "ours" are choices of this server.
 */

/** Protocol version string every message carries (§2.2). */
export const PROTOCOL_VERSION = '2';

/** Longest text message either side accepts, in characters (§2.1: both refs reject > 65535). */
export const MAX_TEXT_MESSAGE_CHARS = 65_535;

/** Largest outbound binary message Genesys accepts, in bytes (§2.1, §6.5). */
export const MAX_BINARY_MESSAGE_BYTES = 64_000;

/** Smallest outbound audio packet that keeps 5 messages/s at real time for PCMU mono (§6.5). */
export const MIN_AUDIO_PACKET_BYTES = 1_600;

/** The only sample rate AudioHook uses (§5.1). */
export const SAMPLE_RATE_HZ = 8_000;

/** PCMU at 8 kHz mono: bytes played per millisecond. */
export const PCMU_BYTES_PER_MS = SAMPLE_RATE_HZ / 1000;

/**
 * Ours: bytes of PCMU per outbound audio message, 400 ms: 2.5 messages/s at real time, half the
 * Genesys limit of 5/s (§6.5), so short end-of-prompt packets and bursts after a stall fit too.
 */
export const DEFAULT_AUDIO_PACKET_BYTES = 3_200;

/** Ours: how far sent audio may run ahead of playback at the peer, in ms. */
export const DEFAULT_AUDIO_MAX_LEAD_MS = 1_000;

/** Genesys gives the open transaction 5 s (§3.2); ours: wait as long for `open` after the upgrade. */
export const DEFAULT_OPEN_TIMEOUT_MS = 5_000;

/** Genesys waits 10 s for `closed` (§3.1); ours: give the client as long to answer our `disconnect`. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

/** Ours: pings come every 5–10 s (§3.1), audio every 200 ms, so 30 s of nothing means the peer is gone. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** Ours: after `closed` the client closes the socket (§3.1); if it does not within this, we do. */
export const DEFAULT_LINGER_MS = 5_000;

/** The null UUID marks a connection probe in `open.conversationId` (§1.6). */
export const NULL_UUID = '00000000-0000-0000-0000-000000000000';

/** WebSocket close codes used by the server (RFC 6455 §7.4.1). */
export const WS_CLOSE = {
  normal: 1000,
  goingAway: 1001,
  policyViolation: 1008,
  internalError: 1011,
} as const;
