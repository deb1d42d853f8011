import { z } from 'zod';
import type { FlowDefinition } from './flow-definition.js';

/**
 * Where a flow conversation is: `start` (nothing said yet), `menu` (waiting for an intent),
 * `slot` (collecting `intent`'s slot number `slotIndex`), `ended` (the end action was returned).
 */
export type FlowPhase = FlowState['phase'];

const stringRecord = z.record(z.string(), z.string());

/** The persisted shape; versioned so a later format can migrate or restart old records. */
const flowStateSchema = z.strictObject({
  version: z.literal(1),
  phase: z.enum(['start', 'menu', 'slot', 'ended']),
  intent: z.string().optional(),
  slotIndex: z.number().int().min(0),
  slots: stringRecord,
  outputVariables: stringRecord,
  noMatchCount: z.number().int().min(0),
  noInputCount: z.number().int().min(0),
});

/** A flow conversation's whole state: plain JSON, so it persists and resumes exactly. */
export type FlowState = Readonly<z.infer<typeof flowStateSchema>>;

/** The state of a conversation that has not started. */
export const INITIAL_FLOW_STATE: FlowState = Object.freeze({
  version: 1,
  phase: 'start',
  slotIndex: 0,
  slots: {},
  outputVariables: {},
  noMatchCount: 0,
  noInputCount: 0,
});

/**
 * Restores persisted state. State that is missing, malformed, or points at an intent or slot the
 * current definition no longer has (the file changed between two turns) restarts the conversation:
 * replaying a half-known state would ask the wrong question.
 */
export function restoreFlowState(definition: FlowDefinition, persisted: unknown): FlowState {
  if (persisted === undefined) return INITIAL_FLOW_STATE;
  const parsed = flowStateSchema.safeParse(persisted);
  if (!parsed.success) return INITIAL_FLOW_STATE;
  const state = parsed.data;
  if (state.phase === 'slot') {
    const intent = definition.intents.find((candidate) => candidate.name === state.intent);
    if (intent === undefined || state.slotIndex >= intent.slots.length) return INITIAL_FLOW_STATE;
  }
  return state;
}
