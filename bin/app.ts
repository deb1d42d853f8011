/**
 * CDK app entry: reads the context once, validates it, bundles the runtime into the container
 * image directory, builds the stack and runs the cdk-nag AwsSolutions checks.
 *
 *   npx cdk synth -c domainName=bot.example.com -c hostedZoneName=example.com \
 *     -c hostedZoneId=Z0EXAMPLE -c genesysRegion=mypurecloud.ie
 *
 * The bundle (dist/runtime, gitignored) is rebuilt on every synth, so a fresh clone synthesizes
 * without a separate build step and the image never lags behind the source. esbuild takes about
 * a second; Docker is not needed until `cdk deploy` builds the image.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleRuntime } from '../scripts/bundle.js';
import { EgressPortError } from '../lib/bot-egress.js';
import { CONTEXT_KEYS, parseStackConfig, StackConfigError, type RawContext } from '../lib/stack-config.js';
import { VoiceBotStack } from '../lib/voice-bot-stack.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataActionEntry = resolve(repoRoot, 'runtime/src/lambda/handler.ts');
const botsDirectory = resolve(repoRoot, 'runtime/bots');

const app = new App();
const context: RawContext = Object.fromEntries(CONTEXT_KEYS.map((key) => [key, app.node.tryGetContext(key) as unknown]));

let config;
try {
  config = parseStackConfig(context, { defaultAccount: process.env.CDK_DEFAULT_ACCOUNT });
} catch (error) {
  if (!(error instanceof StackConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
if (config.dataActionApi.enabled && config.dataActionApi.servedBy === 'apiGateway' && !existsSync(dataActionEntry)) {
  console.error(`dataActionApi is true but the Lambda handler ${dataActionEntry} does not exist.`);
  process.exit(1);
}

const { outDir } = await bundleRuntime();
try {
  new VoiceBotStack(app, config.stackName, { config, imageDirectory: outDir, dataActionEntry, botsDirectory });
} catch (error) {
  if (!(error instanceof EgressPortError)) throw error;
  console.error(error.message);
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
