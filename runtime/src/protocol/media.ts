import { SAMPLE_RATE_HZ } from './constants.js';
import type { MediaFormat, MediaOffer } from './messages.js';

const CHANNELS = new Set(['external', 'internal']);

/**
 * The media a connector can use. A bot that talks sends mono PCMU back in the negotiated format, so
 * it takes only that; a listen-only connector never sends audio and decodes PCMU or L16, one or two
 * channels.
 */
export interface MediaPolicy {
  readonly formats: readonly MediaFormat['format'][];
  readonly maxChannels: 1 | 2;
}

/** What a connector that talks back (Audio Connector) can use: mono PCMU. */
export const TALKING_MEDIA: MediaPolicy = Object.freeze({ formats: Object.freeze(['PCMU'] as const), maxChannels: 1 });
/** What a listen-only connector (Monitor) can use: everything the server decodes. */
export const LISTENING_MEDIA: MediaPolicy = Object.freeze({ formats: Object.freeze(['PCMU', 'L16'] as const), maxChannels: 2 });

/**
 * Picks the first offer the connector can use (see {@link MediaPolicy}: 8 kHz, an allowed format, one
 * or two distinct channels named external/internal) and returns it copied exactly, channel order
 * included (§3.2: Genesys rejects anything that is not one of its offers). `null` when none fits:
 * `opened` then carries `[]`.
 */
export function selectMedia(offers: readonly MediaOffer[], policy: MediaPolicy = LISTENING_MEDIA): MediaFormat | null {
  for (const offer of offers) {
    const channelsOk =
      offer.channels.length >= 1 &&
      offer.channels.length <= policy.maxChannels &&
      offer.channels.every((c) => CHANNELS.has(c)) &&
      new Set(offer.channels).size === offer.channels.length;
    const formatOk = (policy.formats as readonly string[]).includes(offer.format);
    if (offer.type === 'audio' && formatOk && offer.rate === SAMPLE_RATE_HZ && channelsOk) {
      return {
        type: 'audio',
        format: offer.format as MediaFormat['format'],
        channels: offer.channels as MediaFormat['channels'],
        rate: offer.rate,
      };
    }
  }
  return null;
}

/** Bytes one sample occupies across all channels of a format; a frame must be a multiple of it. */
export function bytesPerSampleFrame(media: MediaFormat): number {
  return (media.format === 'PCMU' ? 1 : 2) * media.channels.length;
}
