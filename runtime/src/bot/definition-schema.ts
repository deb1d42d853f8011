import { z } from 'zod';
import type { Result } from '../shared/result.js';
import { err, ok } from '../shared/result.js';
import { flowDefinitionSchema } from './flow/flow-definition.js';
import { listenDefinitionSchema } from './listen/listen-definition.js';
import { llmDefinitionSchema } from './llm/llm-definition.js';
import { transcriptionDefinitionSchema } from './transcription/transcription-definition.js';
import { webhookDefinitionSchema } from './webhook/webhook-definition.js';

/** Any bot definition file, told apart by `type`. */
export const botDefinitionSchema = z.discriminatedUnion(
  'type',
  [flowDefinitionSchema, listenDefinitionSchema, webhookDefinitionSchema, llmDefinitionSchema, transcriptionDefinitionSchema],
  { error: 'type must be "flow", "listen", "webhook", "llm" or "transcription"' },
);

/** A parsed, defaulted bot definition of any type. */
export type BotDefinition = z.infer<typeof botDefinitionSchema>;

/** One thing wrong with a definition: where (a field path such as `intents[0].keys[1]`) and what. */
export interface DefinitionIssue {
  /** `(root)` for the file as a whole. */
  readonly path: string;
  readonly message: string;
}

/** Validates one definition's JSON, reporting every problem with its field path. */
export function parseBotDefinition(json: unknown): Result<BotDefinition, readonly DefinitionIssue[]> {
  const parsed = botDefinitionSchema.safeParse(json);
  if (parsed.success) return ok(parsed.data);
  return err(parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })));
}

/** `['intents', 0, 'keys', 1]` → `intents[0].keys[1]`. */
function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
}
