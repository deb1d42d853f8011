import { Duration, Stack, Token } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { Peer, Port, SecurityGroup, type IVpc, type SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import {
  Cluster,
  ContainerInsights,
  FargateService,
  type ContainerDefinition,
  type FargateTaskDefinition,
  type ScalableTaskCount,
} from 'aws-cdk-lib/aws-ecs';
import {
  ApplicationProtocol,
  ApplicationTargetGroup,
  TargetType,
  type ApplicationListener,
  type ApplicationLoadBalancer,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { RetentionDays, type LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IHostedZone } from 'aws-cdk-lib/aws-route53';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { KeySecret } from './key-secret.js';
import { BotLoadBalancer } from './load-balancer.js';
import type { ParticipantHashSalt } from './participant-hash-salt.js';
import { ServerTask, STOP_TIMEOUT } from './server-task.js';
import type { SessionTable } from './session-table.js';

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
  readonly apiKeySecret: KeySecret;
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
   * Load balancer idle timeout; Genesys pings every 5 s, so only dead connections reach it.
   * @default Duration.seconds(300)
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
  /**
   * Salt for caller ANI/DNIS hashes, injected as `PARTICIPANT_HASH_SALT`.
   * @default undefined — not injected
   */
  readonly participantHashSalt?: ParticipantHashSalt;
  /**
   * Data Action keys: when given, the load balancer forwards the Data Action route to the tasks and
   * the server reads these keys (`DATA_ACTION_KEYS_SECRET_ID`).
   * @default undefined — the load balancer does not forward the Data Action route
   */
  readonly dataActionKeys?: KeySecret;
  /**
   * IPv4 CIDRs allowed to reach the load balancer.
   * @default [] — anywhere
   */
  readonly allowedCidrs?: readonly string[];
  /**
   * AWS WAF rate limit per client IP and 5 minutes on the load balancer.
   * @default undefined — no WAF
   */
  readonly wafRateLimit?: number;
  /**
   * TCP ports the tasks may connect to outbound (AWS APIs need 443; webhook bots may need others).
   * @default [443]
   */
  readonly egressPorts?: readonly number[];
}

/**
 * The voice-bot server on ECS Fargate (ARM64, Node 22) behind an internet-facing ALB that
 * terminates TLS for `wss://<domainName>/audiohook/…`. Composition of three seams: the load balancer
 * (load-balancer.ts), the task definition (server-task.ts), and the service with its target group
 * and autoscaling (here).
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

    const edge = new BotLoadBalancer(this, {
      vpc: props.vpc,
      subnets: props.loadBalancerSubnets,
      domainName: props.domainName,
      idleTimeout: props.idleTimeout ?? Duration.seconds(300),
      ...(props.hostedZone === undefined ? {} : { hostedZone: props.hostedZone }),
      ...(props.certificate === undefined ? {} : { certificate: props.certificate }),
      ...(props.allowedCidrs === undefined ? {} : { allowedCidrs: props.allowedCidrs }),
      ...(props.wafRateLimit === undefined ? {} : { wafRateLimit: props.wafRateLimit }),
    });
    this.loadBalancer = edge.loadBalancer;
    this.httpsListener = edge.httpsListener;
    this.certificate = edge.certificate;
    this.accessLogBucket = edge.accessLogBucket;

    this.cluster = new Cluster(this, 'Cluster', { vpc: props.vpc, containerInsightsV2: ContainerInsights.ENABLED });
    const task = new ServerTask(this, {
      cluster: this.cluster,
      imageDirectory: props.imageDirectory,
      cpu: props.cpu ?? 512,
      memoryLimitMiB: props.memoryLimitMiB ?? 1024,
      containerPort,
      drainTimeout,
      metricsNamespace: props.metricsNamespace,
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
      apiKeySecret: props.apiKeySecret,
      sessionTable: props.sessionTable,
      ...(props.participantHashSalt === undefined ? {} : { participantHashSalt: props.participantHashSalt }),
      ...(props.dataActionKeys === undefined ? {} : { dataActionKeys: props.dataActionKeys }),
      ...(props.environment === undefined ? {} : { environment: props.environment }),
    });
    this.taskDefinition = task.taskDefinition;
    this.container = task.container;
    this.logGroup = task.logGroup;

    const serviceSecurityGroup = this.createServiceSecurityGroup(props.vpc, props.egressPorts ?? [443]);
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
    edge.forwardRoutes(this.targetGroup, { dataAction: props.dataActionKeys !== undefined });
    this.scaling = this.configureScaling(props, minTasks, maxTasks);
  }

  /** Tasks accept traffic from the load balancer only and connect out on `egressPorts` only. */
  private createServiceSecurityGroup(vpc: IVpc, egressPorts: readonly number[]): SecurityGroup {
    const group = new SecurityGroup(this, 'ServiceSecurityGroup', {
      vpc,
      description: 'Voice bot tasks: traffic from the ALB only; HTTPS out to AWS APIs and webhook bots',
      allowAllOutbound: false,
    });
    for (const port of [...new Set([443, ...egressPorts])].sort((a, b) => a - b)) {
      const what = port === 443 ? 'AWS APIs (Transcribe, Polly, DynamoDB, Secrets Manager, ECR, Logs) and HTTPS webhook bots' : 'webhook bots (bot files)';
      group.addEgressRule(Peer.anyIpv4(), Port.tcp(port), what);
    }
    return group;
  }

  /** Target tracking on live sessions per task (the server's metric) and on CPU. */
  private configureScaling(props: VoiceBotServiceProps, minTasks: number, maxTasks: number): ScalableTaskCount {
    const scaling = this.service.autoScaleTaskCount({ minCapacity: minTasks, maxCapacity: maxTasks });
    scaling.scaleToTrackCustomMetric('ActiveSessions', {
      // No dimensions: Average over all tasks' once-a-minute samples is the per-task session load.
      metric: new Metric({ namespace: props.metricsNamespace, metricName: 'ActiveSessions', statistic: 'Average', period: Duration.minutes(1) }),
      targetValue: props.sessionsPerTask ?? 20,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.seconds(300),
    });
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: props.cpuTargetPercent ?? 60,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.seconds(300),
    });
    return scaling;
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
}
