import type { LanguageModel, ModelUsage } from '../../model/ports.js';
import type { Clock } from '../../shared/clock.js';
import { abortReason } from '../abort-reason.js';
import { toVoiceSettings } from '../definition-common.js';
import { renderPrompt, renderTemplate } from '../flow/template.js';
import type { Bot, BotAction, BotContext, BotConversation, BotInput, BotState, BotTurn } from '../ports.js';
import type { LlmDefinition } from './llm-definition.js';
import { restoreLlmState, truncateToHeard, type LlmState, type LlmUsage } from './llm-state.js';
import { createToolbox, type LlmToolbox } from './llm-tools.js';
import { giveUp, runModelLoop, type LlmTurnEvent, type LlmTurnProgram, type TurnWork } from './llm-turn.js';

/** What an LLM bot needs from its surroundings. */
export interface LlmBotDeps {
  readonly clock: Clock;
  readonly fetch: typeof fetch;
  readonly model: LanguageModel;
  /** Called after each model call with its token usage (metrics). */
  readonly onUsage?: (connectorId: string, usage: ModelUsage) => void;
}

/**
 * An LLM conversation: the Bot port's `turn()`, plus what a streaming voice call uses: sentences as
 * they are written, and the cut of an interrupted answer down to what the caller heard.
 */
export interface LlmConversation extends BotConversation {
  /**
   * Runs one turn, yielding sentence-complete `say` chunks as the model writes them and one final
   * `done` with the turn's other actions. Rejects like `turn()`. Leaving early (or aborting) keeps
   * the caller's message and the text streamed so far; call {@link interrupted} to cut that text
   * to what was played.
   */
  streamTurn(input: BotInput, signal: AbortSignal): AsyncGenerator<LlmTurnEvent>;
  /** The caller barged in after hearing `heardText` of the latest turn's answer: the history keeps only that. */
  interrupted(heardText: string): void;
  /** Tokens used so far by this conversation (across routes). */
  usage(): LlmUsage;
}

/** An LLM bot; `startConversation` returns an {@link LlmConversation}. */
export interface LlmBot extends Bot {
  readonly kind: 'llm';
  startConversation(context: BotContext, state?: BotState): LlmConversation;
}

/**
 * A voice agent on a language model (`"type": "llm"`): the model converses, calls data tools
 * served by webhooks, and ends the call only through an ending tool, whose validated arguments
 * become the output variables. Limits: turns, call duration, tool rounds per turn, history tokens.
 */
export function createLlmBot(connectorId: string, definition: LlmDefinition, deps: LlmBotDeps): LlmBot {
  const toolbox = createToolbox(definition.tools, deps);
  return {
    connectorId,
    kind: 'llm',
    listenOnly: false,
    voice: toVoiceSettings(definition),
    startConversation: (context, state) =>
      createLlmConversation({ definition, toolbox, deps, connectorId }, context, restoreLlmState(state, deps.clock.epochMs())),
  };
}

interface BotParts {
  readonly definition: LlmDefinition;
  readonly toolbox: LlmToolbox;
  readonly deps: LlmBotDeps;
  readonly connectorId: string;
}

function createLlmConversation(parts: BotParts, context: BotContext, initial: LlmState): LlmConversation {
  const { definition, deps } = parts;
  let current = initial;
  const variables = templateVariables(definition, context);
  const program: LlmTurnProgram = {
    definition,
    model: deps.model,
    toolbox: parts.toolbox,
    system: renderTemplate(definition.systemPrompt, variables, (value) => value.replace(/[{}]/g, '')),
    context,
    ...(deps.onUsage === undefined ? {} : { onUsage: (usage: ModelUsage) => deps.onUsage?.(parts.connectorId, usage) }),
  };

  async function* streamTurn(input: BotInput, signal: AbortSignal): AsyncGenerator<LlmTurnEvent> {
    if (signal.aborted) throw abortReason(signal);
    if (current.phase === 'ended') {
      yield { type: 'done', actions: [] };
      return;
    }
    const work: TurnWork = { state: current, partialText: '' };
    let ending: 'done' | 'failed' | 'left' = 'left';
    try {
      if (input.type === 'start' && definition.greeting !== undefined) {
        const text = renderPrompt(definition.greeting, variables);
        work.state = { ...work.state, messages: [...work.state.messages, { role: 'assistant', content: [{ type: 'text', text }] }] };
        yield { type: 'say', text };
        yield { type: 'done', actions: [] };
      } else {
        const limit = input.type === 'start' ? undefined : limitReached(work.state);
        if (limit !== undefined) {
          yield* giveUp(program, work, limit);
        } else {
          const turns = work.state.turns + (input.type === 'start' ? 0 : 1);
          work.state = { ...work.state, turns, messages: [...work.state.messages, toUserMessage(input)] };
          yield* runModelLoop(program, work, signal);
        }
      }
      ending = 'done';
    } catch (error) {
      if (!signal.aborted) ending = 'failed';
      throw error;
    } finally {
      if (ending === 'done') current = work.state;
      // A failed model call changes nothing but the tokens already spent: the same turn can be retried.
      else if (ending === 'failed') current = { ...current, usage: work.state.usage };
      // Left early (barge-in, hang-up): keep the caller's message and what was streamed of the answer.
      else current = withPartialText(work);
    }
  }

  function limitReached(state: LlmState): 'maxTurns' | 'maxCallDuration' | undefined {
    if (state.turns >= definition.maxTurns) return 'maxTurns';
    if (deps.clock.epochMs() - state.startedAtEpochMs >= definition.maxCallDurationMs) return 'maxCallDuration';
    return undefined;
  }

  return {
    streamTurn,
    async turn(input, signal): Promise<BotTurn> {
      const spoken: string[] = [];
      const actions: BotAction[] = [];
      for await (const event of streamTurn(input, signal)) {
        if (event.type === 'say') spoken.push(event.text);
        else actions.push(...event.actions);
      }
      const text = spoken.join(' ').trim();
      return { actions: text === '' ? actions : [{ type: 'say', text }, ...actions] };
    },
    interrupted(heardText) {
      current = { ...current, messages: truncateToHeard(current.messages, heardText) };
    },
    usage: () => current.usage,
    state: (): BotState => current as unknown as BotState,
  };
}

function withPartialText(work: TurnWork): LlmState {
  const text = work.partialText.trim();
  if (text === '') return work.state;
  return { ...work.state, messages: [...work.state.messages, { role: 'assistant', content: [{ type: 'text', text }] }] };
}

/** Input variables, then what the bot file defines (which a caller-side value cannot override). */
function templateVariables(definition: LlmDefinition, context: BotContext): Record<string, string> {
  const config = Object.fromEntries(Object.entries(definition.config).map(([key, value]) => [`config.${key}`, value]));
  return { ...context.inputVariables, language: context.language, ...config };
}

function toUserMessage(input: BotInput): LlmState['messages'][number] {
  switch (input.type) {
    case 'start':
      return { role: 'user', content: [{ type: 'text', text: '(The call has started. Greet the caller.)' }] };
    case 'text':
      return { role: 'user', content: [{ type: 'text', text: input.text }] };
    case 'digits':
      return { role: 'user', content: [{ type: 'text', text: `(The caller keyed: ${input.digits})` }] };
    case 'noInput':
      return { role: 'user', content: [{ type: 'text', text: '(The caller said nothing.)' }] };
  }
}
