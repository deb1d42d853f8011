import { assertNever } from '../../shared/assert-never.js';
import { OUTPUT_VARIABLES, withBotOutcome } from '../bot-outcome.js';
import type { BotAction, BotContext, BotInput } from '../ports.js';
import type { FlowDefinition, FlowIntent, FlowSlot } from './flow-definition.js';
import type { FlowState } from './flow-state.js';
import type { IntentMatcher } from './intent-matcher.js';
import { readSlotValue } from './slot-value.js';
import { customConfigVariables } from '../custom-config.js';
import { renderPrompt, renderTemplate } from './template.js';

/** A definition prepared for turns: the matcher is built once per bot, not once per turn. */
export interface FlowProgram {
  readonly definition: FlowDefinition;
  readonly matcher: IntentMatcher;
  /** Phrases of the `global` intents only: keys and spoken digits are slot answers, never escapes. */
  readonly globalMatcher: IntentMatcher;
}

/** The result of one turn: the next state and what to do. */
export interface FlowStep {
  readonly state: FlowState;
  readonly actions: readonly BotAction[];
}

type Miss = 'noMatch' | 'noInput';
type Reply = Extract<BotInput, { type: 'text' | 'digits' | 'noInput' }>;

/**
 * One turn of a flow bot as a pure function: no I/O, no time, the same input on the same state
 * always gives the same step, so the voice call and the Data Action route can interleave turns.
 */
export function stepFlow(program: FlowProgram, context: BotContext, state: FlowState, input: BotInput): FlowStep {
  const turn = new FlowTurn(program, context);
  switch (state.phase) {
    case 'ended':
      return { state, actions: [] };
    case 'start':
      // A Data Action conversation may begin with the caller's words, not with a start.
      if (input.type === 'start' || input.type === 'noInput') return turn.greet(state);
      return turn.onMenuReply({ ...state, phase: 'menu' }, input);
    case 'menu':
    case 'slot':
      // A start on a live conversation (e.g. the call resumed after the REST route) repeats the question.
      if (input.type === 'start') return turn.repeatQuestion(state);
      return state.phase === 'menu' ? turn.onMenuReply(state, input) : turn.onSlotReply(state, input);
    default:
      return assertNever(state.phase);
  }
}

/** The helpers of one turn; holds the actions as they are built. */
class FlowTurn {
  private readonly actions: BotAction[] = [];
  private readonly definition: FlowDefinition;

  constructor(
    private readonly program: FlowProgram,
    private readonly context: BotContext,
  ) {
    this.definition = program.definition;
  }

  greet(state: FlowState): FlowStep {
    this.say(this.definition.greeting, state);
    const next: FlowState = { ...state, phase: 'menu', noMatchCount: 0, noInputCount: 0 };
    const startIntent = this.definition.intents.find((intent) => intent.name === this.definition.startIntent);
    return startIntent === undefined ? this.done(next) : this.enterIntent(next, startIntent);
  }

  repeatQuestion(state: FlowState): FlowStep {
    if (state.phase === 'slot') {
      this.askSlot(state, this.currentSlot(state).slot);
      return this.done(state);
    }
    const followUp = this.definition.followUp;
    const asked = Object.keys(state.outputVariables).length > 0 && followUp !== undefined ? followUp : this.definition.greeting;
    this.say(asked, state);
    return this.done(state);
  }

  onMenuReply(state: FlowState, input: Reply): FlowStep {
    if (input.type === 'noInput') return this.miss(state, 'noInput');
    const name =
      input.type === 'digits'
        ? this.program.matcher.matchDigits(input.digits)
        : (input.confidence ?? 1) < this.definition.minConfidence
          ? undefined
          : this.program.matcher.matchText(input.text);
    const intent = this.definition.intents.find((candidate) => candidate.name === name);
    if (intent === undefined) return this.miss(state, 'noMatch');
    return this.enterIntent(state, intent);
  }

  onSlotReply(state: FlowState, input: Reply): FlowStep {
    if (input.type === 'noInput') return this.miss(state, 'noInput');
    const escape = input.type === 'text' ? this.program.globalMatcher.matchText(input.text) : undefined;
    const escapeIntent = this.definition.intents.find((candidate) => candidate.name === escape);
    if (escapeIntent !== undefined) return this.enterIntent(state, escapeIntent);
    const { intent, slot } = this.currentSlot(state);
    const value = readSlotValue(slot, input, this.definition.minConfidence);
    if (value === undefined) return this.miss(state, 'noMatch');
    const next: FlowState = {
      ...state,
      slots: { ...state.slots, [slot.name]: value },
      slotIndex: state.slotIndex + 1,
      noMatchCount: 0,
      noInputCount: 0,
    };
    const nextSlot = intent.slots[next.slotIndex];
    if (nextSlot === undefined) return this.completeIntent(next, intent);
    this.askSlot(next, nextSlot);
    return this.done(next);
  }

  private enterIntent(state: FlowState, intent: FlowIntent): FlowStep {
    if (intent.prompt !== undefined) this.say(intent.prompt, state);
    const next: FlowState = { ...state, phase: 'slot', intent: intent.name, slotIndex: 0, noMatchCount: 0, noInputCount: 0 };
    const firstSlot = intent.slots[0];
    if (firstSlot === undefined) return this.completeIntent(next, intent);
    this.askSlot(next, firstSlot);
    return this.done(next);
  }

  private completeIntent(state: FlowState, intent: FlowIntent): FlowStep {
    if (intent.donePrompt !== undefined) this.say(intent.donePrompt, state);
    const captured = Object.fromEntries(
      intent.slots.flatMap((slot) => {
        const value = Object.hasOwn(state.slots, slot.name) ? state.slots[slot.name] : undefined;
        return value === undefined ? [] : [[slot.name, value] as const];
      }),
    );
    const outputs: Record<string, string> = {
      ...state.outputVariables,
      [OUTPUT_VARIABLES.intent]: intent.name,
      ...captured,
      ...this.render(intent.outputVariables, state),
    };
    if (intent.end) return this.end(state, withBotOutcome(outputs, intent.outcome));
    this.actions.push({ type: 'setOutputVariables', variables: outputs });
    const { intent: _finished, ...rest } = state;
    const next: FlowState = { ...rest, phase: 'menu', slotIndex: 0, outputVariables: outputs, noMatchCount: 0, noInputCount: 0 };
    if (this.definition.followUp !== undefined) this.say(this.definition.followUp, next);
    return this.done(next);
  }

  private miss(state: FlowState, kind: Miss): FlowStep {
    const count = (kind === 'noMatch' ? state.noMatchCount : state.noInputCount) + 1;
    const max = kind === 'noMatch' ? this.definition.maxNoMatch : this.definition.maxNoInput;
    if (count > max) return this.fallback(state);
    const next: FlowState = kind === 'noMatch' ? { ...state, noMatchCount: count } : { ...state, noInputCount: count };
    const slot = state.phase === 'slot' ? this.currentSlot(state).slot : undefined;
    const prompts = slot === undefined ? this.definition[kind] : (slot[kind] ?? [slot.prompt]);
    // Escalating reprompts: the n-th miss says the n-th prompt, the last one repeats.
    const prompt = prompts[Math.min(count, prompts.length) - 1];
    if (prompt !== undefined) this.say(prompt, next);
    if (slot?.type === 'digits') this.collectDigits(slot);
    return this.done(next);
  }

  private fallback(state: FlowState): FlowStep {
    const { prompt, outputVariables } = this.definition.fallback;
    if (prompt !== undefined) this.say(prompt, state);
    return this.end(state, withBotOutcome({ ...state.outputVariables, ...this.render(outputVariables, state) }, 'fallback'));
  }

  private end(state: FlowState, outputVariables: Readonly<Record<string, string>>): FlowStep {
    // Nothing follows the closing words, so a caller talking over them must not cut them off.
    const actions = this.actions.map((action) => (action.type === 'say' ? { ...action, interruptible: false } : action));
    actions.push({ type: 'end', outputVariables });
    return { state: { ...state, phase: 'ended', outputVariables: { ...outputVariables } }, actions };
  }

  private askSlot(state: FlowState, slot: FlowSlot): void {
    this.say(slot.prompt, state);
    if (slot.type === 'digits') this.collectDigits(slot);
  }

  private collectDigits(slot: Extract<FlowSlot, { type: 'digits' }>): void {
    this.actions.push({
      type: 'collectDigits',
      maxDigits: slot.maxDigits,
      terminator: slot.terminator,
      interDigitTimeoutMs: slot.interDigitTimeoutMs,
    });
  }

  private currentSlot(state: FlowState): { intent: FlowIntent; slot: FlowSlot } {
    const intent = this.definition.intents.find((candidate) => candidate.name === state.intent);
    const slot = intent?.slots[state.slotIndex];
    // restoreFlowState guarantees both exist in the slot phase; anything else is a bug.
    if (intent === undefined || slot === undefined) throw new RangeError('flow state points at no slot');
    return { intent, slot };
  }

  private variables(state: FlowState): Readonly<Record<string, string>> {
    return { ...customConfigVariables(this.context.customConfig), ...this.context.inputVariables, ...state.slots };
  }

  private say(template: string, state: FlowState): void {
    const text = renderPrompt(template, this.variables(state));
    if (text !== '') this.actions.push({ type: 'say', text });
  }

  private render(templates: Readonly<Record<string, string>>, state: FlowState): Record<string, string> {
    const variables = this.variables(state);
    return Object.fromEntries(Object.entries(templates).map(([name, value]) => [name, renderTemplate(value, variables)]));
  }

  private done(state: FlowState): FlowStep {
    return { state, actions: this.actions };
  }
}
