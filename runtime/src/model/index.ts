/**
 * The model domain's public surface: the port and its error codes (style §B.1). The Bedrock adapter
 * and the fake are imported by deep path from the composition root and tests.
 */
export type { LanguageModel, ModelContent, ModelEvent, ModelMessage, ModelRequest, ModelStopReason, ModelTimeouts, ModelToolSpec, ModelUsage } from './ports.js';
export { MODEL_DEPENDENCY, MODEL_ERROR_CODES } from './model-errors.js';
