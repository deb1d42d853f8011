import { describe, expect, it } from 'vitest';
import { parseBotDefinition } from '../../../../runtime/src/bot/definition-schema.js';
import { createTranscriptionBot } from '../../../../runtime/src/bot/transcription/transcription-bot.js';
import { transcriptionDefinitionSchema } from '../../../../runtime/src/bot/transcription/transcription-definition.js';
import { createLanguageGate } from '../../../../runtime/src/session/transcription-language.js';
import { FakeClock } from '../../../support/fake-clock.js';

describe('transcription bot type', () => {
  it('defaults: finals only, 1 s between partials, listen-only, languages from the recognizer', () => {
    const bot = createTranscriptionBot('transcription', transcriptionDefinitionSchema.parse({ type: 'transcription' }), new FakeClock());
    expect(bot).toMatchObject({ kind: 'transcription', listenOnly: true, transcription: { partials: false, partialIntervalMs: 1_000 } });
    expect(bot.transcription?.languages).toBeUndefined();
  });

  it('normalizes its languages and rejects a bad field with its path', () => {
    const bot = createTranscriptionBot(
      't',
      transcriptionDefinitionSchema.parse({ type: 'transcription', languages: ['en-us', 'ES-us'], partials: true }),
      new FakeClock(),
    );
    expect(bot.transcription).toEqual({ partials: true, partialIntervalMs: 1_000, languages: ['en-US', 'es-US'] });
    const parsed = parseBotDefinition({ type: 'transcription', partialIntervalMs: 10 });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.map((issue) => issue.path)).toEqual(['partialIntervalMs']);
  });

  it('stores each final as a transcript line, as a listen bot does', async () => {
    const bot = createTranscriptionBot('t', transcriptionDefinitionSchema.parse({ type: 'transcription' }), new FakeClock());
    const conversation = bot.startConversation({ conversationId: 'c', connectorId: 't', language: 'en-US', inputVariables: {} });
    const turn = await conversation.turn({ type: 'text', text: 'hello', speaker: 'agent' }, new AbortController().signal);
    expect(turn.actions).toEqual([]);
    expect(turn.transcript?.lines).toEqual([expect.objectContaining({ seq: 0, text: 'hello', speaker: 'agent' })]);
  });
});

describe('language gate', () => {
  it('takes the first list given, normalized; none = any language', () => {
    const gate = createLanguageGate(['en-US'], new Set(['de-DE']));
    expect(gate.accept('EN-us')).toBe('en-US');
    expect(gate.accept('de-DE')).toBeUndefined();
    expect(createLanguageGate(undefined, new Set(['de-DE'])).accept('de-de')).toBe('de-DE');
    expect(createLanguageGate(undefined, undefined).accept('xx-YY')).toBe('xx-YY');
  });
});
