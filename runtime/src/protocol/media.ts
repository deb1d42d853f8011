import { SAMPLE_RATE_HZ } from './constants.js';
import type { MediaFormat, MediaOffer } from './messages.js';

const FORMATS = new Set(['PCMU', 'L16']);
const CHANNELS = new Set(['external', 'internal']);

/**
 * Picks the first offer this server can process (PCMU or L16, 8 kHz, one or two distinct channels
 * named external/internal) and returns it copied exactly, channel order included (§3.2: Genesys
 * rejects anything that is not one of its offers). `null` when none fits: `opened` then carries `[]`.
 */
export function selectMedia(offers: readonly MediaOffer[]): MediaFormat | null {
  for (const offer of offers) {
    const channelsOk =
      (offer.channels.length === 1 || offer.channels.length === 2) &&
      offer.channels.every((c) => CHANNELS.has(c)) &&
      new Set(offer.channels).size === offer.channels.length;
    if (offer.type === 'audio' && FORMATS.has(offer.format) && offer.rate === SAMPLE_RATE_HZ && channelsOk) {
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
