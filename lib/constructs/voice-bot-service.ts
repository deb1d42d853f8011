import { ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Certificate, CertificateValidation, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { Peer, Port, SecurityGroup, type IVpc, type SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  Cluster,
  ContainerImage,
  ContainerInsights,
  CpuArchitecture,
  FargateService,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
  Protocol,
  UlimitName,
  type ContainerDefinition,
  type ScalableTaskCount,
} from 'aws-cdk-lib/aws-ecs';
import {
  ApplicationListenerRule,
  ApplicationLoadBalancer,
  ApplicationProtocol,
  ApplicationTargetGroup,
  ListenerAction,
  ListenerCondition,
  SslPolicy,
  TargetType,
  type ApplicationListener,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ARecord, RecordTarget, type IHostedZone } from 'aws-cdk-lib/aws-route53';
import { LoadBalancerTarget } from 'aws-cdk-lib/aws-route53-targets';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
// cdk-nag names IAM5 findings by this flattening; using it keeps the acknowledgement id exact.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { Construct } from 'constructs';
import { ENV } from '../../runtime/src/config/env-keys.js';
import { ALB_IDLE_TIMEOUT_SECONDS, keepAliveTimeoutMsFor, TASK_NOFILE_LIMIT } from '../../runtime/src/config/server-limits.js';
import type { ApiKeySecret } from './api-key-secret.js';
import type { SessionTable } from './session-table.js';

/** Paths the server answers (DESIGN.md §4); everything else gets the listener's fixed 404. */
export const FORWARDED_PATHS = Object.freeze(['/audiohook', '/audiohook/*', '/health', '/webhooks/rest/webhook'] as const);

/** Fargate's hard limit between SIGTERM and SIGKILL. */
const STOP_TIMEOUT = Duration.seconds(120);

/** Props of {@link VoiceBotService}. */
export interface VoiceBotServiceProps {
  /** VPC of the load balancer and the tasks. */
  readonly vpc: IVpc;
  /** Public subnets for the internet-facing load balancer. */
  readonly loadBalancerSubnets: SubnetSelection;
  /** Subnets for the tasks. */
  readonly taskSubnets: SubnetSelection;
  /**
   * Give tasks public IPs (needed when they sit in public subnets without NAT).
   * @default false
   */
  readonly assignPublicIp?: boolean;
  /** Host name Genesys connects to; only requests for this host reach the tasks. */
  readonly domainName: string;
  /**
   * Zone for the alias record (and for validating a new certificate).
   * @default undefined — no DNS record; point a CNAME at the load balancer yourself
   */
  readonly hostedZone?: IHostedZone;
  /**
   * Certificate for the HTTPS listener, from the same Region.
   * @default a new DNS-validated certificate for `domainName` in `hostedZone`
   */
  readonly certificate?: ICertificate;
  /** Directory with the Dockerfile and the bundled server (scripts/bundle.ts output). */
  readonly imageDirectory: string;
  /** Secret the server reads its API keys from. */
  readonly apiKeySecret: ApiKeySecret;
  /** Table of session records. */
  readonly sessionTable: SessionTable;
  /** CloudWatch namespace of the server's embedded-metric-format metrics (`METRICS_NAMESPACE`). */
  readonly metricsNamespace: string;
  /**
   * Fargate CPU units per task.
   * @default 512
   */
  readonly cpu?: number;
  /**
   * Memory per task, in MiB.
   * @default 1024
   */
  readonly memoryLimitMiB?: number;
  /**
   * Fewest running tasks; 2 keeps one per Availability Zone.
   * @default 2
   */
  readonly minTasks?: number;
  /**
   * Most running tasks.
   * @default 10
   */
  readonly maxTasks?: number;
  /**
   * Autoscaling target: average live sessions per task.
   * @default 20
   */
  readonly sessionsPerTask?: number;
  /**
   * Autoscaling target for average CPU, in percent.
   * @default 60
   */
  readonly cpuTargetPercent?: number;
  /**
   * How long the load balancer keeps draining connections of a deregistered task before it cuts
   * them; about the longest expected call. Range 0–3600 s.
   * @default Duration.seconds(1800)
   */
  readonly deregistrationDelay?: Duration;
  /**
   * How long the server finishes live sessions after SIGTERM; must stay below the 120 s stop timeout.
   * @default Duration.seconds(110)
   */
  readonly drainTimeout?: Duration;
  /**
   * Load balancer idle timeout; Genesys pings every 5 s, so only dead connections reach it. The
   * server's keep-alive timeout is set a little longer from the same value.
   * @default Duration.seconds(ALB_IDLE_TIMEOUT_SECONDS) (300)
   */
  readonly idleTimeout?: Duration;
  /**
   * Retention of the server's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Port the server listens on inside the task.
   * @default 8080
   */
  readonly containerPort?: number;
  /**
   * Extra environment variables for the server (names from runtime/src/config/env-keys.ts).
   * @default {}
   */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * The voice-bot server on ECS Fargate (ARM64, Node 22) behind an internet-facing ALB that
 * terminates TLS for `wss://<domainName>/audiohook/…`.
 *
 * Calls cannot be resumed after a drop (AudioHook), so everything here is about never cutting one:
 * the server holds task scale-in protection while it has live sessions (deployments and scale-in
 * skip protected tasks), the target group drains for `deregistrationDelay`, and after SIGTERM the
 * server gets `drainTimeout` < 120 s stop timeout to end sessions cleanly. New tasks start before
 * old ones stop (100 %/200 %), and a failing deployment rolls back.
 */
export class VoiceBotService extends Construct {
  /** The ECS cluster. */
  public readonly cluster: Cluster;
  /** The task definition (ARM64). */
  public readonly taskDefinition: FargateTaskDefinition;
  /** The server container. */
  public readonly container: ContainerDefinition;
  /** The Fargate service. */
  public readonly service: FargateService;
  /** The internet-facing load balancer. */
  public readonly loadBalancer: ApplicationLoadBalancer;
  /** The HTTPS listener (fixed 404 unless a rule forwards). */
  public readonly httpsListener: ApplicationListener;
  /** Target group of the tasks. */
  public readonly targetGroup: ApplicationTargetGroup;
  /** Certificate of the HTTPS listener. */
  public readonly certificate: ICertificate;
  /** The server's log group. */
  public readonly logGroup: LogGroup;
  /** Bucket receiving the load balancer's access logs. */
  public readonly accessLogBucket: Bucket;
  /** Task-count autoscaling (sessions per task and CPU). */
  public readonly scaling: ScalableTaskCount;

  constructor(scope: Construct, id: string, props: VoiceBotServiceProps) {
    super(scope, id);
    const containerPort = props.containerPort ?? 8080;
    const minTasks = props.minTasks ?? 2;
    const maxTasks = props.maxTasks ?? 10;
    const deregistrationDelay = props.deregistrationDelay ?? Duration.seconds(1800);
    const drainTimeout = props.drainTimeout ?? Duration.seconds(110);
    this.validate(props, { minTasks, maxTasks, deregistrationDelay, drainTimeout });
    const stack = Stack.of(this);

    this.certificate =
      props.certificate ??
      new Certificate(this, 'Certificate', {
        domainName: props.domainName,
        validation: CertificateValidation.fromDns(props.hostedZone),
      });

    this.cluster = new Cluster(this, 'Cluster', { vpc: props.vpc, containerInsightsV2: ContainerInsights.ENABLED });

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const idleTimeout = props.idleTimeout ?? Duration.seconds(ALB_IDLE_TIMEOUT_SECONDS);
    this.taskDefinition = new FargateTaskDefinition(this, 'Task', {
      cpu: props.cpu ?? 512,
      memoryLimitMiB: props.memoryLimitMiB ?? 1024,
      runtimePlatform: { cpuArchitecture: CpuArchitecture.ARM64, operatingSystemFamily: OperatingSystemFamily.LINUX },
    });
    this.container = this.taskDefinition.addContainer('Server', {
      // Synth only hashes and stages this directory; `cdk deploy` builds it (needs Docker with arm64 support).
      image: ContainerImage.fromAsset(props.imageDirectory, { platform: Platform.LINUX_ARM64 }),
      essential: true,
      portMappings: [{ containerPort, protocol: Protocol.TCP, name: 'http' }],
      stopTimeout: STOP_TIMEOUT,
      // Explicit, so the server's connection cap (MAX_CONNECTIONS) stays below it whatever the platform default.
      ulimits: [{ name: UlimitName.NOFILE, softLimit: TASK_NOFILE_LIMIT, hardLimit: TASK_NOFILE_LIMIT }],
      logging: LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'server' }),
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${containerPort}/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
        ],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(20),
      },
      environment: {
        [ENV.NODE_ENV]: 'production',
        [ENV.PORT]: String(containerPort),
        [ENV.HOST]: '0.0.0.0',
        [ENV.LOG_LEVEL]: 'info',
        [ENV.BOTS_DIR]: '/app/bots',
        [ENV.DRAIN_TIMEOUT_MS]: String(drainTimeout.toMilliseconds()),
        // Longer than the ALB idle timeout, so the ALB never reuses a connection the server is closing.
        [ENV.HTTP_KEEP_ALIVE_TIMEOUT_MS]: String(keepAliveTimeoutMsFor(idleTimeout.toSeconds())),
        [ENV.METRICS_NAMESPACE]: props.metricsNamespace,
        [ENV.AWS_REGION]: stack.region,
        ...props.environment,
      },
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment holds only non-secret settings and resource names (table, secret ARN, namespace); the API keys themselves are read from Secrets Manager at runtime so that they can change without a restart.',
    });

    const setEnvironment = (name: string, value: string): void => this.container.addEnvironment(name, value);
    props.apiKeySecret.connect(this.taskDefinition.taskRole, setEnvironment);
    props.sessionTable.connect(this.taskDefinition.taskRole, setEnvironment);
    this.grantSpeechServices();
    this.grantTaskProtection();

    const albSecurityGroup = new SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: props.vpc,
      description: 'Voice bot ALB: HTTPS from Genesys Cloud (and the HTTP redirect)',
      allowAllOutbound: false,
    });
    albSecurityGroup.addIngressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS (wss) from Genesys Cloud');
    albSecurityGroup.addIngressRule(Peer.anyIpv4(), Port.tcp(80), 'HTTP, answered with a redirect to HTTPS');
    Validations.of(albSecurityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason:
        'Genesys Cloud connects from AWS-pool addresses that change over time; every upgrade is authenticated with an API key and HTTP message signature instead (docs/deploy.md shows how to narrow this with the published AudioHook IP ranges).',
    });

    this.accessLogBucket = new Bucket(this, 'AccessLogs', {
      // ALB access logs support SSE-S3 only.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is itself the access-log destination of the load balancer; logging access to it would need yet another log bucket.',
    });

    this.loadBalancer = new ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.loadBalancerSubnets,
      internetFacing: true,
      securityGroup: albSecurityGroup,
      idleTimeout,
      dropInvalidHeaderFields: true,
    });
    this.loadBalancer.logAccessLogs(this.accessLogBucket, 'alb');

    this.httpsListener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: ApplicationProtocol.HTTPS,
      certificates: [this.certificate],
      // TLS 1.3 + 1.2 with hybrid post-quantum key exchange offered; same ciphers as RECOMMENDED_TLS.
      sslPolicy: SslPolicy.TLS13_12_PQ,
      defaultAction: ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not Found' }),
      open: false,
    });
    this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443, open: false });

    const serviceSecurityGroup = new SecurityGroup(this, 'ServiceSecurityGroup', {
      vpc: props.vpc,
      description: 'Voice bot tasks: traffic from the ALB only; HTTPS out to AWS APIs and webhook bots',
      allowAllOutbound: false,
    });
    serviceSecurityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'AWS APIs (Transcribe, Polly, DynamoDB, Secrets Manager, ECR, Logs) and HTTPS webhook bots');

    this.service = new FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      vpcSubnets: props.taskSubnets,
      assignPublicIp: props.assignPublicIp ?? false,
      securityGroups: [serviceSecurityGroup],
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
      enableECSManagedTags: true,
    });

    this.targetGroup = new ApplicationTargetGroup(this, 'Targets', {
      vpc: props.vpc,
      port: containerPort,
      protocol: ApplicationProtocol.HTTP,
      targetType: TargetType.IP,
      targets: [this.service],
      deregistrationDelay,
      healthCheck: {
        path: '/health',
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
    this.loadBalancer.connections.allowTo(serviceSecurityGroup, Port.tcp(containerPort), 'ALB to the voice bot tasks');

    new ApplicationListenerRule(this, 'BotRoutes', {
      listener: this.httpsListener,
      priority: 10,
      conditions: [ListenerCondition.hostHeaders([props.domainName]), ListenerCondition.pathPatterns([...FORWARDED_PATHS])],
      action: ListenerAction.forward([this.targetGroup]),
    });

    if (props.hostedZone !== undefined) {
      new ARecord(this, 'AliasRecord', {
        zone: props.hostedZone,
        recordName: props.domainName,
        target: RecordTarget.fromAlias(new LoadBalancerTarget(this.loadBalancer)),
      });
    }

    this.scaling = this.service.autoScaleTaskCount({ minCapacity: minTasks, maxCapacity: maxTasks });
    this.scaling.scaleToTrackCustomMetric('ActiveSessions', {
      // No dimensions: Average over all tasks' once-a-minute samples is the per-task session load.
      metric: new Metric({
        namespace: props.metricsNamespace,
        metricName: 'ActiveSessions',
        statistic: 'Average',
        period: Duration.minutes(1),
      }),
      targetValue: props.sessionsPerTask ?? 20,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.seconds(300),
    });
    this.scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: props.cpuTargetPercent ?? 60,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.seconds(300),
    });
  }

  private validate(
    props: VoiceBotServiceProps,
    v: { minTasks: number; maxTasks: number; deregistrationDelay: Duration; drainTimeout: Duration },
  ): void {
    const fail = (message: string): never => {
      throw new Error(`${this.node.path}: ${message}`);
    };
    if (Token.isUnresolved(Stack.of(this).region)) {
      fail('the stack needs an explicit region (ALB access logging and the certificate are regional)');
    }
    if (props.certificate === undefined && props.hostedZone === undefined) {
      fail('certificate or hostedZone is required (a new certificate is validated in the hosted zone)');
    }
    if (!Number.isInteger(v.minTasks) || v.minTasks < 1 || v.maxTasks < v.minTasks) {
      fail('minTasks must be at least 1 and maxTasks at least minTasks');
    }
    const delayS = v.deregistrationDelay.toSeconds();
    if (delayS < 0 || delayS > 3600) fail('deregistrationDelay must be 0–3600 s');
    if (v.drainTimeout.toMilliseconds() >= STOP_TIMEOUT.toMilliseconds()) {
      fail('drainTimeout must be shorter than the 120 s stop timeout, or SIGKILL ends calls without a disconnect');
    }
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
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'PollySynthesize', actions: ['polly:SynthesizeSpeech'], resources: ['*'] }));
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
  private grantTaskProtection(): void {
    const taskArns = Stack.of(this).formatArn({
      service: 'ecs',
      resource: 'task',
      resourceName: `${this.cluster.clusterName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.taskDefinition.taskRole.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'OwnTaskScaleInProtection',
        actions: ['ecs:GetTaskProtection', 'ecs:UpdateTaskProtection'],
        resources: [taskArns],
      }),
    );
    Validations.of(this.taskDefinition.taskRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(this).resolve(taskArns))}]`,
      reason:
        'A task may change only its own scale-in protection, but its task id exists only at run time; tasks of this cluster is the narrowest resource IAM can express.',
    });
  }
}
