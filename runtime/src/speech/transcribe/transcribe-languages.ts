import { LanguageCode } from '@aws-sdk/client-transcribe-streaming';

/**
 * The language codes Amazon Transcribe streaming accepts, in BCP 47 casing. Taken from the streaming
 * SDK's own `LanguageCode` enum (the service model of StartStreamTranscription), so the list follows
 * the SDK version instead of a hand-kept copy.
 */
export const TRANSCRIBE_STREAMING_LANGUAGES: ReadonlySet<string> = new Set(Object.values(LanguageCode));
