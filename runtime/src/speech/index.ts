/**
 * The speech domain's public surface: the ports and pure helpers (style §B.1). Adapters
 * (Transcribe, Polly, eSpeak, fakes) and the synthesizer decorators are imported by deep path from
 * the composition root and from tests.
 */
export type {
  RecognizerOptions,
  RecognizerStream,
  SpeechRecognizer,
  SpeechSynthesizer,
  SynthesisRequest,
  TranscriptEvent,
} from './ports.js';
export { splitSentences, type SplitOptions } from '../shared/sentence-splitter.js';
export { SPEECH_ERROR_CODES } from './aws-error-mapping.js';
