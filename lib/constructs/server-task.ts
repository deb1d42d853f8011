import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  ContainerImage,
  CpuArchitecture,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
  Protocol,
  UlimitName,
  type ContainerDefinition,
  type ICluster,
} from 'aws-cdk-lib/aws-ecs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
// cdk-nag names IAM5 findings by this flattening; using it keeps the acknowledgement id exact.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { Construct } from 'constructs';
import { ENV } from '../../runtime/src/config/env-keys.js';
import { LISTEN_BACKLOG, TASK_NOFILE_LIMIT } from '../../runtime/src/config/server-limits.js';
import type { KeySecret } from './key-secret.js';
import type { ParticipantHashSalt } from './participant-hash-salt.js';
import type { SessionTable } from './session-table.js';

/** Fargate's hard limit between SIGTERM and SIGKILL. */
export const STOP_TIMEOUT = Duration.seconds(120);

/** Props of {@link ServerTask}. */
export interface ServerTaskProps {
  /** Cluster the task runs in (its tasks' scale-in protection is granted). */
  readonly cluster: ICluster;
  /** Directory with the Dockerfile and the bundled server. */
  readonly imageDirectory: string;
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  readonly containerPort: number;
  readonly drainTimeout: Duration;
  readonly metricsNamespace: string;
  readonly logRetention: RetentionDays;
  readonly apiKeySecret: KeySecret;
  readonly sessionTable: SessionTable;
  /** Injected as PARTICIPANT_HASH_SALT. */
  readonly participantHashSalt?: ParticipantHashSalt;
  /** The Data Action keys, when the server itself serves the Data Action route. */
  readonly dataActionKeys?: KeySecret;
  /** The server's HTTP keep-alive timeout (longer than the load balancer's idle timeout). */
  readonly keepAliveTimeoutMs: number;
  /** Extra environment variables (names from runtime/src/config/env-keys.ts). */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * The server's task definition: one ARM64 container with a read-only root filesystem (the server
 * writes nothing to disk on AWS: logs go to stdout, state to DynamoDB, so no writable volume is
 * mounted), the environment that names its secret and table, and a task role with exactly the
 * actions the server calls. A seam of {@link VoiceBotService}, not a construct of its own: its
 * resources are created in the given scope, so their logical ids stay what they were before the split.
 */
export class ServerTask {
  public readonly taskDefinition: FargateTaskDefinition;
  public readonly container: ContainerDefinition;
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, props: ServerTaskProps) {
    this.logGroup = new LogGroup(scope, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.taskDefinition = new FargateTaskDefinition(scope, 'Task', {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryLimitMiB,
      runtimePlatform: { cpuArchitecture: CpuArchitecture.ARM64, operatingSystemFamily: OperatingSystemFamily.LINUX },
    });
    const port = props.containerPort;
    this.container = this.taskDefinition.addContainer('Server', {
      // Synth only stages this directory; `cdk deploy` runs `docker build --platform linux/arm64`. The
      // Dockerfile has no RUN step, so nothing executes for arm64 at build time: an x86 machine builds
      // it without QEMU (BuildKit, Docker's default builder, is needed for --platform).
      image: ContainerImage.fromAsset(props.imageDirectory, { platform: Platform.LINUX_ARM64 }),
      essential: true,
      readonlyRootFilesystem: true,
      portMappings: [{ containerPort: port, protocol: Protocol.TCP, name: 'http' }],
      stopTimeout: STOP_TIMEOUT,
      // Explicit, so the server's connection cap (MAX_CONNECTIONS) stays below it whatever the platform default.
      ulimits: [{ name: UlimitName.NOFILE, softLimit: TASK_NOFILE_LIMIT, hardLimit: TASK_NOFILE_LIMIT }],
      // The kernel caps the server's listen backlog at somaxconn; set, so a burst of calls is queued, not
      // dropped into SYN retries that age the upgrades' signatures past their limit (Fargate 1.4+).
      systemControls: [{ namespace: 'net.core.somaxconn', value: String(LISTEN_BACKLOG) }],
      logging: LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'server' }),
      healthCheck: {
        command: ['CMD', 'node', '-e', `fetch('http://127.0.0.1:${port}/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(20),
      },
      environment: {
        [ENV.NODE_ENV]: 'production',
        [ENV.PORT]: String(port),
        [ENV.HOST]: '0.0.0.0',
        [ENV.LOG_LEVEL]: 'info',
        [ENV.BOTS_DIR]: '/app/bots',
        [ENV.DRAIN_TIMEOUT_MS]: String(props.drainTimeout.toMilliseconds()),
        [ENV.HTTP_KEEP_ALIVE_TIMEOUT_MS]: String(props.keepAliveTimeoutMs),
        [ENV.METRICS_NAMESPACE]: props.metricsNamespace,
        [ENV.AWS_REGION]: Stack.of(scope).region,
        ...props.environment,
      },
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment holds only non-secret settings and resource names (table, secret ARN, namespace); the API keys are read from Secrets Manager at runtime so that they can change without a restart, and the hash salt is injected as an ECS secret.',
    });
    const setEnvironment = (name: string, value: string): void => this.container.addEnvironment(name, value);
    const role = this.taskDefinition.taskRole;
    props.apiKeySecret.connect(role, setEnvironment);
    props.dataActionKeys?.connect(role, setEnvironment);
    props.sessionTable.connect(role, setEnvironment);
    props.participantHashSalt?.injectInto(this.container);
    this.grantSpeechServices();
    this.grantTaskProtection(props.cluster);
  }

  /** Transcribe streaming and Polly have no resource-level permissions: `*` is what the services accept. */
  private grantSpeechServices(): void {
    const role = this.taskDefinition.taskRole;
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'TranscribeStreaming',
        actions: ['transcribe:StartStreamTranscription', 'transcribe:StartStreamTranscriptionWebSocket'],
        resources: ['*'],
      }),
    );
    // DescribeVoices: the start-up check of every bot's voice against the engine (speech/polly/validate-bot-voices.ts).
    role.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'PollySynthesize', actions: ['polly:SynthesizeSpeech', 'polly:DescribeVoices'], resources: ['*'] }),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'transcribe:StartStreamTranscription(WebSocket) has no resource type and polly:SynthesizeSpeech without lexicons has none either, so both take Resource "*"; every other statement of this role names its resource.',
    });
    Validations.of(this.taskDefinition.obtainExecutionRole()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Generated by CDK for the execution role: ecr:GetAuthorizationToken has no resource type; image pulls and log writes are scoped to the asset repository and this log group.',
    });
  }

  /**
   * The server toggles scale-in protection of its own task through the ECS agent. The task id is
   * only known at run time, so the narrowest expressible resource is "tasks of this cluster".
   */
  private grantTaskProtection(cluster: ICluster): void {
    const stack = Stack.of(cluster);
    const taskArns = stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${cluster.clusterName}/*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    this.taskDefinition.taskRole.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'OwnTaskScaleInProtection', actions: ['ecs:GetTaskProtection', 'ecs:UpdateTaskProtection'], resources: [taskArns] }),
    );
    Validations.of(this.taskDefinition.taskRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(stack.resolve(taskArns))}]`,
      reason:
        'A task may change only its own scale-in protection, but its task id exists only at run time; tasks of this cluster is the narrowest resource IAM can express.',
    });
  }
}
