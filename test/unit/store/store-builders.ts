import type { ConversationState, SessionRecord } from '../../../runtime/src/store/ports.js';

/** A conversation state with defaults; tests override what they exercise. */
export function conversation(overrides: Partial<ConversationState> = {}): ConversationState {
  return {
    conversationId: 'conv-1',
    connectorId: 'default',
    language: 'en-US',
    inputVariables: { customerName: 'Ann' },
    botState: { version: 1, phase: 'menu', slotIndex: 0, slots: {}, outputVariables: {}, noMatchCount: 0, noInputCount: 0 },
    outputVariables: {},
    turnCount: 1,
    ended: false,
    version: 1,
    createdAtMs: 1_700_000_000_000,
    updatedAtMs: 1_700_000_000_000,
    ...overrides,
  };
}

/** A voice session record with defaults. */
export function session(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    conversationId: 'conv-1',
    sessionId: 'sess-1',
    connectorId: 'default',
    organizationId: 'org-1',
    participant: { ani: 'sha256:abc', dnis: 'sha256:def' },
    inputVariables: { customerName: 'Ann' },
    language: 'en-US',
    outputVariables: {},
    turnCount: 0,
    outcome: 'active',
    startedAtMs: 1_700_000_000_000,
    ...overrides,
  };
}

/** A promise with its resolve function exposed (to line up concurrent writers). */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
