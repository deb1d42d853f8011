import { describe, expect, it } from 'vitest';
import { bytesPerSampleFrame, LISTENING_MEDIA, selectMedia, TALKING_MEDIA } from '../../../runtime/src/protocol/media.js';
import type { MediaFormat } from '../../../runtime/src/protocol/messages.js';
import { l16Mono, l16Stereo, mediaOffer, pcmuMono, pcmuStereo } from '../../support/protocol-builders.js';

describe('selectMedia', () => {
  it('selects the first processable offer', () => {
    expect(selectMedia([pcmuStereo, pcmuMono])).toEqual(pcmuStereo);
  });

  it('copies the offer exactly, keeping the offered channel order', () => {
    const reversed = mediaOffer({ channels: ['internal', 'external'] });
    expect(selectMedia([reversed])).toEqual({ type: 'audio', format: 'PCMU', channels: ['internal', 'external'], rate: 8000 });
  });

  it.each([
    ['a 16 kHz rate', mediaOffer({ rate: 16_000 })],
    ['an unknown format', mediaOffer({ format: 'opus' })],
    ['a lower-case format', mediaOffer({ format: 'pcmu' })],
    ['a non-audio type', mediaOffer({ type: 'video' })],
    ['a duplicate channel', mediaOffer({ channels: ['external', 'external'] })],
    ['an unknown channel name', mediaOffer({ channels: ['customer'] })],
    ['no channels', mediaOffer({ channels: [] })],
    ['three channels', mediaOffer({ channels: ['external', 'internal', 'external'] })],
  ])('skips %s and takes the next offer', (_name, unusable) => {
    expect(selectMedia([unusable, pcmuMono])).toEqual(pcmuMono);
  });

  it('accepts L16', () => {
    expect(selectMedia([l16Mono])).toEqual(l16Mono);
  });

  it('returns null when no offer fits', () => {
    expect(selectMedia([mediaOffer({ rate: 16_000 }), mediaOffer({ format: 'opus' })])).toBeNull();
  });

  it('returns null for no offers', () => {
    expect(selectMedia([])).toBeNull();
  });
});

describe('bytesPerSampleFrame', () => {
  it.each<[string, MediaFormat, number]>([
    ['PCMU mono', pcmuMono as MediaFormat, 1],
    ['PCMU stereo', pcmuStereo as MediaFormat, 2],
    ['L16 mono', l16Mono as MediaFormat, 2],
    ['L16 stereo', l16Stereo as MediaFormat, 4],
  ])('is the sample size times the channel count for %s', (_name, media, bytes) => {
    expect(bytesPerSampleFrame(media)).toBe(bytes);
  });
});

describe('selectMedia with a connector policy', () => {
  it('skips L16 and stereo offers for a bot that talks (mono PCMU only)', () => {
    expect(selectMedia([l16Mono, pcmuStereo, l16Stereo, pcmuMono], TALKING_MEDIA)).toEqual(pcmuMono);
  });

  it('takes L16 or stereo first for a listen-only connector', () => {
    expect(selectMedia([l16Stereo, pcmuMono], LISTENING_MEDIA)).toEqual(l16Stereo);
  });

  it('returns null for a talking bot offered only L16 or stereo', () => {
    expect(selectMedia([l16Mono, pcmuStereo], TALKING_MEDIA)).toBeNull();
  });
});
