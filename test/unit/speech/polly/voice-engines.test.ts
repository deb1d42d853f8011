import { DescribeVoicesCommand, PollyClient, SynthesizeSpeechCommand } from '@aws-sdk/client-polly';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../runtime/src/shared/logger.js';
import { DEFAULT_POLLY_VOICES } from '../../../../runtime/src/speech/polly/default-voices.js';
import { PollySpeechSynthesizer } from '../../../../runtime/src/speech/polly/polly-speech-synthesizer.js';
import { validateBotVoices } from '../../../../runtime/src/speech/polly/validate-bot-voices.js';
import { VOICE_ENGINES, VoiceEngineError } from '../../../../runtime/src/speech/polly/voice-engines.js';

const polly = mockClient(PollyClient);
afterEach(() => polly.reset());

const defaultBot = { connectorId: 'default', languages: ['en-US'], voices: {} };

describe('POLLY_ENGINE x voice check at start', () => {
  it('knows the engines of every default voice', () => {
    for (const voice of Object.values(DEFAULT_POLLY_VOICES)) expect(VOICE_ENGINES, voice).toHaveProperty(voice);
  });

  it('has no standard variant for Matthew (Polly standard-voices page: en-US standard is Ivy, Joanna, Kendra, Kimberly, Salli, Joey, Kevin)', async () => {
    expect(VOICE_ENGINES.Matthew).not.toContain('standard');
    const check = validateBotVoices([{ connectorId: 'default', languages: ['en-US'], voices: { 'en-US': 'Matthew' } }], 'standard', undefined, silentLogger);
    await expect(check).rejects.toMatchObject({ problems: [{ connectorId: 'default', language: 'en-US', voice: 'Matthew', engine: 'standard' }] });
  });

  it('has a generative variant for Ola (2025-09-21 DescribeVoices catalogue: Ola is generative and neural)', async () => {
    expect(VOICE_ENGINES.Ola).toEqual(['neural', 'generative']);
    const bot = { connectorId: 'warsaw', languages: ['pl-PL'], voices: {} };
    await expect(validateBotVoices([bot], 'generative', undefined, silentLogger)).resolves.toBeUndefined();
  });

  it('has no generative variant for Camila or Ines (no generative addition of the Polly document history names them)', async () => {
    expect(VOICE_ENGINES.Camila).toEqual(['standard', 'neural']);
    expect(VOICE_ENGINES.Ines).toEqual(['standard', 'neural']);
    const check = validateBotVoices([{ connectorId: 'lusophone', languages: ['pt-BR', 'pt-PT'], voices: {} }], 'generative', undefined, silentLogger);
    await expect(check).rejects.toMatchObject({
      problems: [
        { connectorId: 'lusophone', language: 'pt-BR', voice: 'Camila', engine: 'generative' },
        { connectorId: 'lusophone', language: 'pt-PT', voice: 'Ines', engine: 'generative' },
      ],
    });
  });

  it('refuses long-form with the default en-US voice, naming the bot, language and voice', async () => {
    const check = validateBotVoices([defaultBot, { connectorId: 'billing', languages: ['en-US', 'de-DE'], voices: { 'de-DE': 'Hannah' } }], 'long-form', undefined, silentLogger);
    await expect(check).rejects.toBeInstanceOf(VoiceEngineError);
    await expect(check).rejects.toMatchObject({
      problems: [
        { connectorId: 'default', language: 'en-US', voice: 'Joanna', engine: 'long-form' },
        { connectorId: 'billing', language: 'en-US', voice: 'Joanna', engine: 'long-form' },
        { connectorId: 'billing', language: 'de-DE', voice: 'Hannah', engine: 'long-form' },
      ],
    });
  });

  it('accepts the default voices under neural', async () => {
    await expect(validateBotVoices([defaultBot], 'neural', undefined, silentLogger)).resolves.toBeUndefined();
  });

  it('also refuses a voice DescribeVoices does not list for the engine', async () => {
    polly.on(DescribeVoicesCommand).resolves({ Voices: [{ Id: 'Matthew' }] });
    const check = validateBotVoices([{ connectorId: 'x', languages: ['en-US'], voices: { 'en-US': 'Kimberly' } }], 'neural', new PollyClient({ region: 'eu-west-1' }), silentLogger);
    await expect(check).rejects.toMatchObject({ problems: [{ connectorId: 'x', voice: 'Kimberly', engine: 'neural' }] });
  });
});

describe('bilingual voices', () => {
  it('passes LanguageCode to Polly for a bilingual voice', async () => {
    polly.on(SynthesizeSpeechCommand).resolves({ AudioStream: undefined });
    const synthesizer = new PollySpeechSynthesizer(new PollyClient({ region: 'eu-west-1' }));
    await expect(
      (async () => {
        for await (const _chunk of synthesizer.synthesize({ text: 'नमस्ते', ssml: false, languageCode: 'hi-IN' }, new AbortController().signal)) {
          // drain
        }
      })(),
    ).rejects.toBeDefined();
    expect(polly.commandCalls(SynthesizeSpeechCommand)[0]?.args[0].input).toMatchObject({ VoiceId: 'Kajal', LanguageCode: 'hi-IN' });
  });
});
