import { LanguageCode, MediaEncoding } from '@aws-sdk/client-transcribe-streaming';
import type { IncomingHttpHeaders } from 'node:http2';
import { AwsServiceError } from '../aws-error.js';

/** What one StartStreamTranscription request asked for (its HTTP headers). */
export interface TranscribeRequest {
  readonly languageCode: string;
  readonly sampleRateHz: number;
  readonly mediaEncoding: string;
  readonly sessionId: string | undefined;
  readonly stabilization: boolean;
  readonly stability: string | undefined;
  /** 2 with channel identification (interleaved two-channel PCM, results tagged `ch_0`/`ch_1`), else 1. */
  readonly channels: 1 | 2;
}

const LANGUAGES = new Set<string>(Object.values(LanguageCode));
const ENCODINGS = new Set<string>(Object.values(MediaEncoding));

/** A BadRequestException with Transcribe's `Message` member. */
export function badRequest(message: string): AwsServiceError {
  return new AwsServiceError('BadRequestException', 400, message, 'Message');
}

/**
 * Validates the request headers as the service does (aws-notes §1): a language from the service's
 * list, 8000-48000 Hz, an encoding from the list. Only `pcm` is decoded here: other encodings are
 * refused with a message that says it is this endpoint's limit, not the service's.
 */
export function parseTranscribeRequest(headers: IncomingHttpHeaders): TranscribeRequest {
  const header = (name: string): string | undefined => {
    const value = headers[`x-amzn-transcribe-${name}`];
    return Array.isArray(value) ? value[0] : value;
  };
  const languageCode = header('language-code');
  if (header('identify-language') === 'true' || header('identify-multiple-languages') === 'true') {
    throw badRequest('Language identification is not supported by the local endpoint; set LanguageCode.');
  }
  if (languageCode === undefined) throw badRequest('One of LanguageCode, IdentifyLanguage or IdentifyMultipleLanguages is required.');
  if (!LANGUAGES.has(languageCode)) {
    throw badRequest(`1 validation error detected: Value '${languageCode}' at 'languageCode' failed to satisfy constraint: Member must satisfy enum value set`);
  }
  const rateText = header('sample-rate') ?? '';
  const sampleRateHz = Number(rateText);
  if (!Number.isInteger(sampleRateHz) || sampleRateHz < 8000 || sampleRateHz > 48000) {
    throw badRequest(`1 validation error detected: Value '${rateText}' at 'mediaSampleRateHertz' failed to satisfy constraint: Member must have value between 8000 and 48000`);
  }
  const mediaEncoding = header('media-encoding') ?? '';
  if (!ENCODINGS.has(mediaEncoding)) {
    throw badRequest(`1 validation error detected: Value '${mediaEncoding}' at 'mediaEncoding' failed to satisfy constraint: Member must satisfy enum value set`);
  }
  if (mediaEncoding !== 'pcm') throw badRequest(`The local Transcribe endpoint decodes pcm only, not ${mediaEncoding}.`);
  const channels = parseChannels(header('enable-channel-identification'), header('number-of-channels'));
  return {
    languageCode,
    sampleRateHz,
    mediaEncoding,
    sessionId: header('session-id'),
    stabilization: header('enable-partial-results-stabilization') === 'true',
    stability: header('partial-results-stability'),
    channels,
  };
}

/** Channel identification and the channel count come together, and the count is 2 (aws-notes §1). */
function parseChannels(identification: string | undefined, count: string | undefined): 1 | 2 {
  if (identification !== 'true') {
    if (count !== undefined) throw badRequest('NumberOfChannels requires EnableChannelIdentification.');
    return 1;
  }
  if (count === undefined) throw badRequest('EnableChannelIdentification requires NumberOfChannels.');
  if (count !== '2') {
    throw badRequest(`1 validation error detected: Value '${count}' at 'numberOfChannels' failed to satisfy constraint: Member must have value equal to 2`);
  }
  return 2;
}
