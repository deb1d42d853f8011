import { DescribeVoicesCommand, type Engine, type PollyClient } from '@aws-sdk/client-polly';
import type { Logger } from '../../shared/logger.js';
import { findVoiceEngineProblems, tableSupports, VoiceEngineError } from './voice-engines.js';

/** The voices of one loaded bot, as the start-up check needs them. */
export interface BotVoiceUse {
  readonly connectorId: string;
  readonly languages: readonly string[];
  readonly voices: Readonly<Record<string, string>>;
}

/**
 * Refuses to start (throws {@link VoiceEngineError} naming each bad bot/language/voice) when a bot's
 * voice has no variant for `engine`: first by the table kept next to the default voices, then, when
 * a Polly client is given (credentials exist), by the voices DescribeVoices lists for the engine.
 * A DescribeVoices failure (e.g. no `polly:DescribeVoices` permission) is logged, not fatal.
 */
export async function validateBotVoices(bots: readonly BotVoiceUse[], engine: Engine, polly: PollyClient | undefined, logger: Logger): Promise<void> {
  const problems = findVoiceEngineProblems(bots, engine, tableSupports);
  if (problems.length === 0 && polly !== undefined) {
    try {
      const available = new Set<string>();
      let nextToken: string | undefined;
      do {
        const output = await polly.send(new DescribeVoicesCommand({ Engine: engine, ...(nextToken === undefined ? {} : { NextToken: nextToken }) }));
        for (const voice of output.Voices ?? []) if (voice.Id !== undefined) available.add(voice.Id);
        nextToken = output.NextToken;
      } while (nextToken !== undefined);
      problems.push(...findVoiceEngineProblems(bots, engine, (voice) => available.has(voice)));
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.name : String(error), engine }, 'DescribeVoices failed: bot voices checked against the built-in table only');
    }
  }
  if (problems.length > 0) throw new VoiceEngineError(problems);
}
