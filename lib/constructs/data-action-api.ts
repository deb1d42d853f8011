import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, LogGroupLogDestination, type HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '../../runtime/src/config/env-keys.js';
import { DATA_ACTION_PATH } from '../../runtime/src/server/routes.js';
import type { KeySecret } from './key-secret.js';
import type { ParticipantHashSalt } from './participant-hash-salt.js';
import type { SessionTable } from './session-table.js';

export { DATA_ACTION_PATH };

/**
 * Lets the ESM bundle load CommonJS dependencies that call `require` (as in scripts/bundle.ts).
 * The alias avoids clashing with an import of `createRequire` inside the bundle.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __voiceBotCreateRequire } from 'node:module'; const require = __voiceBotCreateRequire(import.meta.url);";

/** Props of {@link DataActionApi}. */
export interface DataActionApiProps {
  /** Path of the Lambda handler's TypeScript entry (exports `handler`). */
  readonly entry: string;
  /** Secret of the AudioHook API keys (read by the shared configuration). */
  readonly apiKeySecret: KeySecret;
  /**
   * The route's own keys, bound to Genesys organizations (`DATA_ACTION_KEYS_SECRET_ID`).
   * @default undefined — not set
   */
  readonly dataActionKeys?: KeySecret;
  /**
   * Salt for participant hashes (`PARTICIPANT_HASH_SALT`).
   * @default undefined — not set
   */
  readonly participantHashSalt?: ParticipantHashSalt;
  /**
   * Reserved concurrency: the most concurrent invocations, and guaranteed to be available. A flood
   * of Data Action calls can then neither exhaust the account's Lambda concurrency nor run up cost
   * beyond this. 0 reserves nothing (accounts whose concurrency limit is below 100 + this value
   * cannot reserve: Lambda keeps 100 unreserved).
   * @default 20
   */
  readonly reservedConcurrency?: number;
  /** Table of session records. */
  readonly sessionTable: SessionTable;
  /**
   * Directory of bot definitions copied next to the bundle (`BOTS_DIR`).
   * @default undefined — no bots are copied and `BOTS_DIR` is not set
   */
  readonly botsDirectory?: string;
  /**
   * CloudWatch namespace for the handler's metrics (`METRICS_NAMESPACE`).
   * @default undefined — not set
   */
  readonly metricsNamespace?: string;
  /**
   * Steady-state request rate the stage admits, per second.
   * @default 50
   */
  readonly rateLimit?: number;
  /**
   * Burst of requests the stage admits above the rate.
   * @default 100
   */
  readonly burstLimit?: number;
  /**
   * Retention of the function's and the access logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Lambda memory; CPU scales with it.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Lambda timeout; the HTTP API gives up after 30 s anyway.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
}

/**
 * The optional REST route for Genesys Data Actions: an HTTP API (stage throttling, JSON access
 * logs) with `POST /webhooks/rest/webhook` → a Node 22 ARM64 Lambda bundled by local esbuild.
 * The handler authenticates `X-API-KEY` itself against the route's own keys (DATA_ACTION_KEYS_SECRET_ID).
 */
export class DataActionApi extends Construct {
  /** The HTTP API. */
  public readonly api: HttpApi;
  /** The throttled default stage. */
  public readonly stage: HttpStage;
  /** The handler function. */
  public readonly handler: NodejsFunction;
  /** The function's log group. */
  public readonly functionLogGroup: LogGroup;
  /** The stage's access-log group. */
  public readonly accessLogGroup: LogGroup;
  /** Full URL of the Data Action route, for the Genesys Data Action's request URL. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: DataActionApiProps) {
    super(scope, id);
    const rateLimit = props.rateLimit ?? 50;
    const burstLimit = props.burstLimit ?? 100;
    const reservedConcurrency = props.reservedConcurrency ?? 20;
    if (!(rateLimit > 0) || !Number.isInteger(burstLimit) || burstLimit < 1) {
      throw new Error(`${this.node.path}: rateLimit must be positive and burstLimit a whole number of at least 1`);
    }
    if (!Number.isInteger(reservedConcurrency) || reservedConcurrency < 0) {
      throw new Error(`${this.node.path}: reservedConcurrency must be a whole number of at least 0`);
    }
    const retention = props.logRetention ?? RetentionDays.ONE_MONTH;

    this.functionLogGroup = new LogGroup(this, 'FunctionLogs', { retention, removalPolicy: RemovalPolicy.DESTROY });
    // An own role instead of AWSLambdaBasicExecutionRole: write to this log group only.
    const role = new Role(this, 'HandlerRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Voice bot Data Action handler',
    });
    this.functionLogGroup.grantWrite(role);

    const botsDirectory = props.botsDirectory;
    this.handler = new NodejsFunction(this, 'Handler', {
      entry: props.entry,
      handler: 'handler',
      // Node 22 matches the container image; move both to 24 together.
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      ...(reservedConcurrency === 0 ? {} : { reservedConcurrentExecutions: reservedConcurrency }),
      role,
      logGroup: this.functionLogGroup,
      environment: {
        [ENV.NODE_ENV]: 'production',
        ...(botsDirectory === undefined ? {} : { [ENV.BOTS_DIR]: '/var/task/bots' }),
        ...(props.metricsNamespace === undefined ? {} : { [ENV.METRICS_NAMESPACE]: props.metricsNamespace }),
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        sourceMap: true,
        banner: ESM_REQUIRE_BANNER,
        // The SDK is bundled (not taken from the runtime) so the Lambda runs the versions the tests ran.
        externalModules: ['@echogarden/espeak-ng-emscripten'],
        ...(botsDirectory === undefined
          ? {}
          : {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_inputDir: string, outputDir: string) => [`cp -R "${botsDirectory}" "${outputDir}/bots"`],
              },
            }),
      },
    });
    Validations.of(this.handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Pinned to Node.js 22 to match the Fargate image (node:22); both move to Node.js 24 together after the runtime is tested on it.',
    });
    const setEnvironment = (name: string, value: string): void => {
      this.handler.addEnvironment(name, value);
    };
    props.apiKeySecret.connect(this.handler, setEnvironment);
    props.dataActionKeys?.connect(this.handler, setEnvironment);
    props.sessionTable.connect(this.handler, setEnvironment);
    props.participantHashSalt?.injectIntoFunction(this.handler);

    this.api = new HttpApi(this, 'Api', {
      description: 'Genesys Data Action route of the voice bot',
      createDefaultStage: false,
    });
    this.accessLogGroup = new LogGroup(this, 'AccessLogs', { retention, removalPolicy: RemovalPolicy.DESTROY });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit, burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    const routes = this.api.addRoutes({
      path: DATA_ACTION_PATH,
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('Webhook', this.handler),
    });
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Genesys Data Actions send a static X-API-KEY header; the handler verifies it (constant-time) against the same Secrets Manager map as the WebSocket server, so an API Gateway authorizer would duplicate that check.',
      });
    }
    this.url = `${this.api.apiEndpoint}${DATA_ACTION_PATH}`;
  }
}
