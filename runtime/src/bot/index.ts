/**
 * The bot domain's public surface: the ports and the pure helpers (style §B.1). The loader
 * (`bot-definitions.ts`) and the bot kinds are imported by deep path from the composition root,
 * the Lambda and tests.
 */
export type {
  Bot,
  BotAction,
  BotContext,
  BotConversation,
  BotInput,
  BotState,
  BotTurn,
  BotTurnEvent,
  BotVoiceSettings,
  StreamingTurns,
  TranscriptAppend,
  TranscriptLine,
} from './ports.js';
export { streamingTurns } from './ports.js';
export { BOT_OUTCOMES, OUTPUT_VARIABLES, isBotOutcome, withBotOutcome, type BotOutcome } from './bot-outcome.js';
export { BOT_ERROR_CODES, type BotErrorCode } from './bot-error-codes.js';
