import type { LanguageModel, ModelContent, ModelMessage, ModelRequest, ModelUsage } from '../../model/ports.js';
import { abortReason } from '../abort-reason.js';
import type { BotContext, BotTurnEvent } from '../ports.js';
import type { LlmDefinition } from './llm-definition.js';
import { addUsage, boundHistory, type LlmState, toRequestMessages } from './llm-state.js';
import type { LlmToolbox, ToolCall, ToolEnding } from './llm-tools.js';
import { createSentenceChunker } from './sentence-chunker.js';

/** What a streamed turn yields: sentences to speak as they complete, then the turn's other actions. */
export type LlmTurnEvent = BotTurnEvent;

/** Why the bot hands the call back on its own (`fallbackReason`). */
export type LlmGiveUpReason = 'maxTurns' | 'maxCallDuration' | 'toolLoop';

/** Everything one turn needs that does not change between turns. */
export interface LlmTurnProgram {
  readonly definition: LlmDefinition;
  readonly model: LanguageModel;
  readonly toolbox: LlmToolbox;
  /** The rendered system prompt of this conversation. */
  readonly system: string;
  readonly context: BotContext;
  /** Called after each model call with its usage (metrics). */
  readonly onUsage?: (usage: ModelUsage) => void;
}

/** A turn's working copy of the state; committed by the conversation when the turn ends. */
export interface TurnWork {
  state: LlmState;
  /** Text streamed in the current model answer, not yet in `state.messages`. */
  partialText: string;
}

/**
 * The model ⇄ tools loop of one caller turn, after the caller's message is in `work.state`: ask
 * the model, stream its sentences, run the tools it calls and feed their results back, until it
 * answers without tools, calls an ending tool, or exceeds the tool-round guard. Model failures
 * reject (AppError from the port); the caller of this function decides what is committed.
 */
export async function* runModelLoop(program: LlmTurnProgram, work: TurnWork, signal: AbortSignal): AsyncGenerator<LlmTurnEvent> {
  const { definition, toolbox } = program;
  for (let round = 0; ; round++) {
    const answer = yield* streamAnswer(program, work, signal);
    if (answer.calls.length === 0) {
      yield { type: 'done', actions: [] };
      return;
    }
    const atLimit = round >= definition.maxToolRoundsPerTurn;
    const results: ModelContent[] = [];
    let ending: ToolEnding | undefined;
    for (const call of answer.calls) {
      const isEnd = definition.tools.some((tool) => tool.name === call.name && tool.kind === 'end');
      // At the guard only ending tools still run: they are local and let the model finish properly.
      if (atLimit && !isEnd) continue;
      const outcome = await toolbox.run(call, program.context, signal);
      if (signal.aborted) throw abortReason(signal);
      results.push(outcome.result);
      ending ??= outcome.ending;
    }
    if (results.length > 0) work.state = { ...work.state, messages: [...work.state.messages, { role: 'user', content: results }] };
    if (ending !== undefined) {
      work.state = { ...work.state, phase: 'ended' };
      if (answer.text === '' && ending.prompt !== undefined) yield { type: 'say', text: ending.prompt };
      yield { type: 'done', actions: [{ type: 'end', outputVariables: ending.outputVariables }] };
      return;
    }
    if (atLimit) {
      yield* giveUp(program, work, 'toolLoop');
      return;
    }
  }
}

/** Hands the call back with the fallback outcome, saying the fallback prompt. */
export function* giveUp(program: LlmTurnProgram, work: TurnWork, reason: LlmGiveUpReason): Generator<LlmTurnEvent> {
  const text = program.definition.fallbackPrompt;
  work.state = { ...work.state, phase: 'ended', messages: [...work.state.messages, { role: 'assistant', content: [{ type: 'text', text }] }] };
  yield { type: 'say', text };
  yield { type: 'done', actions: [{ type: 'end', outputVariables: { botOutcome: 'fallback', fallbackReason: reason } }] };
}

interface Answer {
  readonly text: string;
  readonly calls: readonly ToolCall[];
}

/** One model call: streams its sentences, then records the answer (text and tool uses) in the history. */
async function* streamAnswer(program: LlmTurnProgram, work: TurnWork, signal: AbortSignal): AsyncGenerator<LlmTurnEvent, Answer> {
  const { definition } = program;
  work.state = boundHistory(work.state, definition.historyTokenBudget);
  const request: ModelRequest = {
    modelId: definition.modelId,
    system: program.system,
    messages: toRequestMessages(work.state.messages),
    tools: program.toolbox.specs,
    temperature: definition.temperature,
    maxTokens: definition.maxTokens,
    ...(definition.guardrail === undefined ? {} : { guardrail: definition.guardrail }),
    timeouts: definition.modelTimeouts,
  };
  const chunker = createSentenceChunker();
  const tools = new Map<number, { toolUseId: string; name: string; json: string }>();
  work.partialText = '';
  for await (const event of program.model.stream(request, signal)) {
    switch (event.type) {
      case 'textDelta':
        work.partialText += event.text;
        for (const sentence of chunker.push(event.text)) yield { type: 'say', text: sentence };
        break;
      case 'toolUseStart':
        tools.set(event.index, { toolUseId: event.toolUseId, name: event.name, json: '' });
        break;
      case 'toolUseDelta': {
        const tool = tools.get(event.index);
        if (tool !== undefined) tool.json += event.inputJson;
        break;
      }
      case 'usage':
        work.state = { ...work.state, usage: addUsage(work.state.usage, event.usage) };
        program.onUsage?.(event.usage);
        break;
      case 'toolUseStop':
      case 'messageStop':
        break;
    }
  }
  const rest = chunker.flush();
  if (rest !== '') yield { type: 'say', text: rest };
  const text = work.partialText.trim();
  const calls = [...tools.values()].map((tool): ToolCall => ({ toolUseId: tool.toolUseId, name: tool.name, input: parseArguments(tool.json) }));
  const content: ModelContent[] = [
    ...(text === '' ? [] : [{ type: 'text' as const, text }]),
    ...calls.map((call): ModelContent => ({ type: 'toolUse', toolUseId: call.toolUseId, name: call.name, input: call.input })),
  ];
  const message: ModelMessage = { role: 'assistant', content };
  work.state = { ...work.state, messages: content.length === 0 ? work.state.messages : [...work.state.messages, message] };
  work.partialText = '';
  return { text, calls };
}

/** Tool arguments as the model wrote them; unparsable JSON becomes a value the schema rejects. */
function parseArguments(json: string): unknown {
  if (json.trim() === '') return {};
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return { $invalidJson: json.slice(0, 200) };
  }
}
