import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_CONTEXT, parseStackConfig, type RawContext } from '../../../lib/stack-config.js';
import { VoiceBotStack } from '../../../lib/voice-bot-stack.js';

/** Account every test stack deploys to (aws-notes §6: explicit env, no look-ups). */
export const TEST_ACCOUNT = '111111111111';
/** Directory standing in for the bundled runtime (tests must not need a build step). */
export const IMAGE_FIXTURE = fileURLToPath(new URL('../fixtures/image', import.meta.url));
/** Bot files with webhook URLs on 443 and 8080. */
export const BOTS_FIXTURE = fileURLToPath(new URL('../fixtures/bots', import.meta.url));
/** Small handler standing in for runtime/src/lambda/handler.ts. */
export const HANDLER_FIXTURE = fileURLToPath(new URL('../fixtures/data-action-handler.ts', import.meta.url));
/** The real Data Action handler (written by another issue). */
export const REAL_HANDLER = fileURLToPath(new URL('../../../runtime/src/lambda/handler.ts', import.meta.url));

/** The feature flags from cdk.json, so tests synthesize what `cdk synth` does. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/** A CDK app with the cdk.json flags and bundling skipped (no esbuild, no Docker). */
export function testApp(options: { nag?: boolean } = {}): App {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  if (options.nag === true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

/** Options of {@link synthVoiceBot}. */
export interface SynthOptions {
  /** Context on top of EXAMPLE_CONTEXT. */
  readonly context?: RawContext;
  /** Run the cdk-nag AwsSolutions pack during synth. */
  readonly nag?: boolean;
  /** Data Action handler entry. */
  readonly dataActionEntry?: string;
  /** Bot files read at synth (egress ports). */
  readonly botsDirectory?: string;
}

/** One synthesized voice-bot stack. */
export interface Synthesized {
  readonly app: App;
  readonly stack: VoiceBotStack;
  readonly template: Template;
}

const cache = new Map<string, Synthesized>();

/** Synthesizes the voice-bot stack once per distinct options (synth takes seconds; share it). */
export function synthVoiceBot(options: SynthOptions = {}): Synthesized {
  const key = JSON.stringify(options);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const app = testApp({ nag: options.nag ?? false });
  const config = parseStackConfig({ ...EXAMPLE_CONTEXT, account: TEST_ACCOUNT, ...options.context });
  const stack = new VoiceBotStack(app, 'VoiceBot', {
    config,
    imageDirectory: IMAGE_FIXTURE,
    ...(options.dataActionEntry === undefined ? {} : { dataActionEntry: options.dataActionEntry }),
    ...(options.botsDirectory === undefined ? {} : { botsDirectory: options.botsDirectory }),
  });
  const result = { app, stack, template: Template.fromStack(stack) };
  cache.set(key, result);
  return result;
}

/** The template with 64-hex asset hashes masked, so the snapshot survives content changes of assets. */
export function maskedTemplate(template: Template): unknown {
  return JSON.parse(JSON.stringify(template.toJSON()).replace(/[a-f0-9]{64}/g, '<HASH>'));
}
