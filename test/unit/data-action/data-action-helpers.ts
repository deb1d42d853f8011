import { fileURLToPath } from 'node:url';
import { createBotRegistry, loadBots, type BotRegistry } from '../../../runtime/src/bot/bot-definitions.js';
import type { Bot, BotInput, BotTurn } from '../../../runtime/src/bot/ports.js';
import { AppError } from '../../../runtime/src/shared/errors.js';
import type { Logger } from '../../../runtime/src/shared/logger.js';
import type { SessionStore } from '../../../runtime/src/store/ports.js';
import type { FakeClock } from '../../support/fake-clock.js';

export const BOTS_DIR = fileURLToPath(new URL('../../../runtime/bots', import.meta.url));

/** The shipped bots (default, account, listen) plus extra test bots. */
export async function botsWith(clock: FakeClock, extra: readonly Bot[] = []): Promise<BotRegistry> {
  const shipped = await loadBots(BOTS_DIR, { clock });
  const all = new Map<string, Bot>();
  for (const id of shipped.connectorIds) all.set(id, shipped.get(id)!);
  for (const bot of extra) all.set(bot.connectorId, bot);
  return createBotRegistry(all);
}

/** A webhook-like bot whose turns are scripted; `inputs` records what it was asked. */
export function scriptedBot(connectorId: string, answer: (input: BotInput) => Promise<BotTurn>): Bot & { inputs: BotInput[] } {
  const inputs: BotInput[] = [];
  return {
    connectorId,
    kind: 'webhook',
    listenOnly: false,
    voice: { language: 'en-GB', voices: {}, noInputTimeoutMs: 6_000, maxCallDurationMs: 600_000 },
    inputs,
    startConversation: () => ({
      turn: (input) => {
        inputs.push(input);
        return answer(input);
      },
      state: () => ({}),
    }),
  };
}

/** A store whose every call fails with an unavailable AppError while `down` is set. */
export function switchableStore(store: SessionStore): SessionStore & { down: boolean } {
  const fail = (): Promise<never> => Promise.reject(new AppError('ERR_STORE_UNAVAILABLE', 'DynamoDB down', { category: 'unavailable' }));
  const wrapper = {
    down: false,
    getConversation: (id: string) => (wrapper.down ? fail() : store.getConversation(id)),
    putConversation: (next: Parameters<SessionStore['putConversation']>[0]) => (wrapper.down ? fail() : store.putConversation(next)),
    createSession: (record: Parameters<SessionStore['createSession']>[0]) => (wrapper.down ? fail() : store.createSession(record)),
    finishSession: (record: Parameters<SessionStore['finishSession']>[0]) => (wrapper.down ? fail() : store.finishSession(record)),
    getSession: (c: string, s: string) => (wrapper.down ? fail() : store.getSession(c, s)),
    listSessions: (c: string) => (wrapper.down ? fail() : store.listSessions(c)),
    appendTranscript: (c: string, entries: Parameters<SessionStore['appendTranscript']>[1]) => (wrapper.down ? fail() : store.appendTranscript(c, entries)),
    readTranscript: (c: string) => (wrapper.down ? fail() : store.readTranscript(c)),
  };
  return wrapper;
}

export interface LogLine {
  readonly level: string;
  readonly fields: Record<string, unknown>;
  readonly msg: string;
}

/** A logger that keeps every line for assertions. */
export function capturingLogger(lines: LogLine[]): Logger {
  const at = (level: string) => (fields: object, msg: string) => void lines.push({ level, fields: fields as Record<string, unknown>, msg });
  const logger: Logger = { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}

/** A signal that never aborts. */
export const live = (): AbortSignal => new AbortController().signal;
