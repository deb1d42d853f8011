import { awsRegionForGenesys, GENESYS_REGIONS } from './genesys-regions.js';

/**
 * The CDK context keys the app reads (from cdk.json, cdk.context.json or `-c key=value`). Values given
 * with `-c` arrive as strings; values in cdk.json keep their JSON type. Both forms are accepted.
 */
export const CONTEXT_KEYS = [
  'stackName',
  'account',
  'region',
  'genesysRegion',
  'domainName',
  'hostedZoneName',
  'hostedZoneId',
  'certificateArn',
  'vpcId',
  'vpcPublicSubnetIds',
  'vpcPrivateSubnetIds',
  'natGateways',
  'taskCpu',
  'taskMemoryMiB',
  'minTasks',
  'maxTasks',
  'sessionsPerTask',
  'apiKeySecretName',
  'secretsKmsKeyArn',
  'participantHashSaltSecretArn',
  'dataActionApi',
  'dataActionServedBy',
  'dataActionKeysSecretName',
  'dataActionRateLimit',
  'dataActionBurstLimit',
  'dataActionReservedConcurrency',
  'allowedCidrs',
  'loadBalancerWaf',
  'wafRateLimit',
  'taskEgressPorts',
  'metricsNamespace',
  'logRetentionDays',
  'alarmTopicArn',
  'recording',
  'recordAllCalls',
  'recordingRetentionDays',
] as const;

/** One context key the app reads. */
export type ContextKey = (typeof CONTEXT_KEYS)[number];

/** Raw context values as CDK hands them over (strings from `-c`, JSON values from cdk.json). */
export type RawContext = Readonly<Partial<Record<ContextKey, unknown>>>;

/** Context that synthesizes offline; docs/deploy.md and the tests use it. */
export const EXAMPLE_CONTEXT = Object.freeze({
  domainName: 'bot.example.com',
  hostedZoneName: 'example.com',
  hostedZoneId: 'Z0EXAMPLE',
  genesysRegion: 'mypurecloud.ie',
} satisfies RawContext);

/** Where the TLS certificate and DNS name come from. */
export interface DnsConfig {
  /** Route 53 zone for the DNS-validated certificate and the alias record; absent with `certificateArn` only. */
  readonly hostedZone?: { readonly zoneName: string; readonly hostedZoneId: string };
  /** Existing ACM certificate in the deployment Region; absent means a new DNS-validated one. */
  readonly certificateArn?: string;
}

/** A new VPC (cost-aware NAT choice) or subnets of an existing one. */
export type NetworkConfig =
  | { readonly kind: 'new'; readonly natGateways: number }
  | {
      readonly kind: 'existing';
      readonly vpcId: string;
      readonly publicSubnetIds: readonly string[];
      /** Empty: tasks run in the public subnets with public IPs. */
      readonly privateSubnetIds: readonly string[];
    };

/** The validated, frozen configuration of one voice-bot stack. */
export interface StackConfig {
  readonly stackName: string;
  /** Deployment target; `account` is undefined when neither context nor credentials name one. */
  readonly env: { readonly account?: string; readonly region: string };
  /** The Genesys Cloud domain the Region came from, when given. */
  readonly genesysRegion?: string;
  /** Host name Genesys connects to (`wss://<domainName>/audiohook/`). */
  readonly domainName: string;
  readonly dns: DnsConfig;
  readonly network: NetworkConfig;
  readonly service: {
    readonly cpu: number;
    readonly memoryMiB: number;
    readonly minTasks: number;
    readonly maxTasks: number;
    /** Autoscaling target: average live sessions per task. */
    readonly sessionsPerTask: number;
  };
  /** Existing secret name, or undefined to create a new secret. */
  readonly apiKeySecretName?: string;
  /** Customer-managed KMS key of the imported secrets (names/ARNs given in context); gets kms:Decrypt. */
  readonly secretsKmsKeyArn?: string;
  /** Existing salt secret (full ARN), or undefined to generate one. */
  readonly participantHashSaltSecretArn?: string;
  readonly dataActionApi: DataActionConfig;
  readonly loadBalancer: {
    /** IPv4 CIDRs allowed to reach the ALB; empty = anywhere. */
    readonly allowedCidrs: readonly string[];
    /** Requests per 5 minutes per client IP that an AWS WAF web ACL admits; undefined = no WAF. */
    readonly wafRateLimit?: number;
  };
  /**
   * Ports the tasks may open outbound connections to (443 always). From `taskEgressPorts` when given,
   * else derived from the bot files at synth.
   */
  readonly taskEgressPorts?: readonly number[];
  readonly metricsNamespace: string;
  readonly logRetentionDays: number;
  /** SNS topic that receives alarm notifications, if any. */
  readonly alarmTopicArn?: string;
  /** Call recording: off, or a bucket (and grant) for connectors with `record`, or for every call. */
  readonly recording: RecordingConfig;
}

/** Call recording (docs/deploy.md, "Call recording"). */
export type RecordingConfig =
  | { readonly enabled: false }
  | { readonly enabled: true; readonly allCalls: boolean; readonly retentionDays: number };

/** The Data Action (REST) route: off, or served by API Gateway + Lambda or by the load balancer. */
export type DataActionConfig =
  | { readonly enabled: false }
  | {
      readonly enabled: true;
      readonly servedBy: 'apiGateway' | 'loadBalancer';
      /** Existing keys secret name, or undefined to create one. */
      readonly keysSecretName?: string;
      /** API Gateway stage throttling. */
      readonly rateLimit: number;
      readonly burstLimit: number;
      /** Reserved concurrency of the Lambda; 0 = none reserved. */
      readonly reservedConcurrency: number;
    };

/** Why a context value was refused. */
export type ConfigProblemCode = 'missing' | 'invalid' | 'conflict';

/** One refused context value (or combination of values). */
export interface ConfigProblem {
  readonly code: ConfigProblemCode;
  /** The context keys involved; the first is the one to change. */
  readonly keys: readonly ContextKey[];
  readonly message: string;
}

/** Thrown by {@link parseStackConfig} with every problem found, not just the first. */
export class StackConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const example = Object.entries(EXAMPLE_CONTEXT)
      .map(([k, v]) => `-c ${k}=${v}`)
      .join(' ');
    super(
      [
        `Invalid CDK context for the voice-bot stack (${problems.length} problem${problems.length === 1 ? '' : 's'}):`,
        ...problems.map((p) => `  - ${p.message}`),
        'See docs/deploy.md. An example that synthesizes offline:',
        `  npx cdk synth ${example}`,
      ].join('\n'),
    );
    this.name = 'StackConfigError';
    this.problems = problems;
  }
}

const DEFAULTS = Object.freeze({
  stackName: 'GenesysVoiceBot',
  natGateways: 1,
  taskCpu: 512,
  taskMemoryMiB: 1024,
  minTasks: 2,
  maxTasks: 10,
  sessionsPerTask: 20,
  dataActionRateLimit: 50,
  dataActionBurstLimit: 100,
  dataActionReservedConcurrency: 20,
  wafRateLimit: 2_000,
  logRetentionDays: 30,
  recordingRetentionDays: 30,
});

/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Fargate task sizes: CPU units → allowed memory (MiB) as [min, max, step]. */
const FARGATE_SIZES: Readonly<Record<number, readonly [number, number, number]>> = {
  256: [512, 2048, 512],
  512: [1024, 4096, 1024],
  1024: [2048, 8192, 1024],
  2048: [4096, 16384, 1024],
  4096: [8192, 30720, 1024],
  8192: [16384, 61440, 4096],
  16384: [32768, 122880, 8192],
};

const HOST_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
const AWS_REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;
const ACCOUNT = /^\d{12}$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate\/[A-Za-z0-9-]+$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
// A complete secret ARN ends in `-` and six random characters; ECS injection needs the complete ARN.
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const IPV4_CIDR = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/(?:3[0-2]|[12]?\d)$/;
const PORT = /^(?:6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3})$/;
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const METRICS_NAMESPACE = /^(?!AWS\/)[A-Za-z0-9 ._\-/#:]{1,255}$/;

/** Reads typed values out of raw context, collecting problems instead of throwing. */
class ContextReader {
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly context: RawContext) {}

  problem(code: ConfigProblemCode, keys: readonly ContextKey[], message: string): void {
    this.problems.push({ code, keys, message });
  }

  has(key: ContextKey): boolean {
    const value = this.context[key];
    return value !== undefined && value !== null && value !== '';
  }

  string(key: ContextKey, pattern?: RegExp, hint = ''): string | undefined {
    if (!this.has(key)) return undefined;
    const value = this.context[key];
    if (typeof value !== 'string' || (pattern !== undefined && !pattern.test(value.trim()))) {
      this.problem('invalid', [key], `${key} ${JSON.stringify(value)} is not valid${hint ? `: ${hint}` : ''}`);
      return undefined;
    }
    return value.trim();
  }

  int(key: ContextKey, fallback: number, min: number, max: number): number {
    if (!this.has(key)) return fallback;
    const value = this.context[key];
    const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      this.problem('invalid', [key], `${key} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return parsed;
  }

  bool(key: ContextKey, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    const value = this.context[key];
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    this.problem('invalid', [key], `${key} must be true or false, got ${JSON.stringify(value)}`);
    return fallback;
  }

  /** A list given as a JSON array (cdk.json) or a comma-separated string (`-c`). */
  list(key: ContextKey, pattern: RegExp): string[] {
    if (!this.has(key)) return [];
    const value = this.context[key];
    const items: readonly unknown[] = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
    const trimmed = items.map((item): unknown => (typeof item === 'string' ? item.trim() : item));
    const bad = trimmed.filter((item) => typeof item !== 'string' || !pattern.test(item));
    if (bad.length > 0) {
      this.problem('invalid', [key], `${key} has invalid entries: ${JSON.stringify(bad)}`);
      return [];
    }
    return trimmed as string[];
  }
}

/**
 * Validates the raw CDK context and returns a frozen {@link StackConfig}. Every problem is collected
 * and thrown together as one {@link StackConfigError}, so a user fixes all of them in one round.
 * `defaultAccount` is `CDK_DEFAULT_ACCOUNT`, which the CLI sets when credentials are available.
 */
export function parseStackConfig(context: RawContext, env: { readonly defaultAccount?: string } = {}): StackConfig {
  const r = new ContextReader(context);

  const stackName = r.string('stackName', STACK_NAME, 'letters, digits and hyphens, starting with a letter') ?? DEFAULTS.stackName;
  const account = r.string('account', ACCOUNT, 'a 12-digit AWS account id') ?? env.defaultAccount;
  const region = resolveRegion(r);

  const domainName = r.string('domainName', /^.+$/)?.toLowerCase().replace(/\.$/, '');
  if (domainName === undefined) {
    if (!r.has('domainName')) {
      r.problem('missing', ['domainName'], 'domainName is required: the host name Genesys connects to, e.g. -c domainName=bot.example.com');
    }
  } else if (!HOST_NAME.test(domainName)) {
    r.problem('invalid', ['domainName'], `domainName ${JSON.stringify(domainName)} is not a host name (no scheme, path or port)`);
  }

  const dns = resolveDns(r, domainName, region);
  const network = resolveNetwork(r);

  const cpu = r.int('taskCpu', DEFAULTS.taskCpu, 256, 16384);
  const memoryMiB = r.int('taskMemoryMiB', DEFAULTS.taskMemoryMiB, 512, 122880);
  const sizes = FARGATE_SIZES[cpu];
  if (sizes === undefined) {
    r.problem('invalid', ['taskCpu'], `taskCpu must be one of ${Object.keys(FARGATE_SIZES).join(', ')} (Fargate CPU units)`);
  } else if (memoryMiB < sizes[0] || memoryMiB > sizes[1] || (memoryMiB - sizes[0]) % sizes[2] !== 0) {
    r.problem(
      'conflict',
      ['taskMemoryMiB', 'taskCpu'],
      `taskMemoryMiB ${memoryMiB} does not fit taskCpu ${cpu}: Fargate allows ${sizes[0]}–${sizes[1]} MiB in steps of ${sizes[2]}`,
    );
  }
  const minTasks = r.int('minTasks', DEFAULTS.minTasks, 1, 100);
  const maxTasks = r.int('maxTasks', DEFAULTS.maxTasks, 1, 100);
  if (maxTasks < minTasks) {
    r.problem('conflict', ['maxTasks', 'minTasks'], `maxTasks (${maxTasks}) must not be below minTasks (${minTasks})`);
  }
  const sessionsPerTask = r.int('sessionsPerTask', DEFAULTS.sessionsPerTask, 1, 1000);

  const apiKeySecretName = r.string('apiKeySecretName', SECRET_NAME, 'a Secrets Manager secret name (not an ARN)');
  const participantHashSaltSecretArn = r.string('participantHashSaltSecretArn', SECRET_ARN, 'the complete ARN of a Secrets Manager secret');
  const dataActionApi = resolveDataAction(r);
  const secretsKmsKeyArn = r.string('secretsKmsKeyArn', KMS_KEY_ARN, 'a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)');
  const importsSecret = r.has('apiKeySecretName') || r.has('participantHashSaltSecretArn') || r.has('dataActionKeysSecretName');
  if (r.has('secretsKmsKeyArn') && !importsSecret) {
    r.problem(
      'conflict',
      ['secretsKmsKeyArn', 'apiKeySecretName'],
      'secretsKmsKeyArn applies to imported secrets only (apiKeySecretName, dataActionKeysSecretName, participantHashSaltSecretArn); secrets the stack creates use the AWS managed key',
    );
  }
  const loadBalancer = resolveLoadBalancer(r);
  const taskEgressPorts = r.has('taskEgressPorts') ? r.list('taskEgressPorts', PORT).map(Number) : undefined;

  const metricsNamespace =
    r.string('metricsNamespace', METRICS_NAMESPACE, 'up to 255 characters, not starting with AWS/') ?? `GenesysVoiceBot/${stackName}`;
  const logRetentionDays = r.int('logRetentionDays', DEFAULTS.logRetentionDays, 1, 3653);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    r.problem('invalid', ['logRetentionDays'], `logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  const alarmTopicArn = r.string('alarmTopicArn', TOPIC_ARN, 'an SNS topic ARN');
  const recording = resolveRecording(r);

  if (r.problems.length > 0 || region === undefined || domainName === undefined) {
    throw new StackConfigError(r.problems);
  }
  const genesysRegion = r.string('genesysRegion');
  return deepFreeze({
    stackName,
    env: account === undefined ? { region } : { account, region },
    ...(genesysRegion === undefined ? {} : { genesysRegion }),
    domainName,
    dns,
    network,
    service: { cpu, memoryMiB, minTasks, maxTasks, sessionsPerTask },
    ...(apiKeySecretName === undefined ? {} : { apiKeySecretName }),
    ...(secretsKmsKeyArn === undefined ? {} : { secretsKmsKeyArn }),
    ...(participantHashSaltSecretArn === undefined ? {} : { participantHashSaltSecretArn }),
    dataActionApi,
    loadBalancer,
    ...(taskEgressPorts === undefined ? {} : { taskEgressPorts }),
    metricsNamespace,
    logRetentionDays,
    ...(alarmTopicArn === undefined ? {} : { alarmTopicArn }),
    recording,
  });
}

function resolveRecording(r: ContextReader): RecordingConfig {
  const enabled = r.bool('recording', false);
  const allCalls = r.bool('recordAllCalls', false);
  const retentionDays = r.int('recordingRetentionDays', DEFAULTS.recordingRetentionDays, 1, 3650);
  if (!enabled) {
    for (const key of ['recordAllCalls', 'recordingRetentionDays'] as const) {
      if (r.has(key)) r.problem('conflict', [key, 'recording'], `${key} is set but recording is not true`);
    }
    return { enabled: false };
  }
  return { enabled: true, allCalls, retentionDays };
}

function resolveDataAction(r: ContextReader): DataActionConfig {
  const enabled = r.bool('dataActionApi', false);
  const servedBy = r.string('dataActionServedBy', /^(?:apiGateway|loadBalancer)$/, 'apiGateway or loadBalancer');
  const keysSecretName = r.string('dataActionKeysSecretName', SECRET_NAME, 'a Secrets Manager secret name (not an ARN)');
  const rateLimit = r.int('dataActionRateLimit', DEFAULTS.dataActionRateLimit, 1, 10_000);
  const burstLimit = r.int('dataActionBurstLimit', DEFAULTS.dataActionBurstLimit, 1, 5_000);
  const reservedConcurrency = r.int('dataActionReservedConcurrency', DEFAULTS.dataActionReservedConcurrency, 0, 1_000);
  const lambdaOnly = ['dataActionRateLimit', 'dataActionBurstLimit', 'dataActionReservedConcurrency'] as const;
  if (!enabled) {
    for (const key of [...lambdaOnly, 'dataActionServedBy', 'dataActionKeysSecretName'] as const) {
      if (r.has(key)) r.problem('conflict', [key, 'dataActionApi'], `${key} is set but dataActionApi is not true`);
    }
    return { enabled: false };
  }
  if (servedBy === 'loadBalancer') {
    for (const key of lambdaOnly) {
      if (r.has(key)) r.problem('conflict', [key, 'dataActionServedBy'], `${key} applies to the API Gateway route only, not to dataActionServedBy=loadBalancer`);
    }
  }
  return {
    enabled: true,
    servedBy: servedBy === 'loadBalancer' ? 'loadBalancer' : 'apiGateway',
    ...(keysSecretName === undefined ? {} : { keysSecretName }),
    rateLimit,
    burstLimit,
    reservedConcurrency,
  };
}

function resolveLoadBalancer(r: ContextReader): StackConfig['loadBalancer'] {
  const allowedCidrs = r.list('allowedCidrs', IPV4_CIDR);
  const waf = r.bool('loadBalancerWaf', false);
  // WAF's minimum for a rate-based rule is 10 requests per evaluation window.
  const wafRateLimit = r.int('wafRateLimit', DEFAULTS.wafRateLimit, 10, 2_000_000_000);
  if (r.has('wafRateLimit') && !waf) r.problem('conflict', ['wafRateLimit', 'loadBalancerWaf'], 'wafRateLimit is set but loadBalancerWaf is not true');
  return { allowedCidrs, ...(waf ? { wafRateLimit } : {}) };
}

function resolveRegion(r: ContextReader): string | undefined {
  const explicit = r.string('region', AWS_REGION, 'an AWS Region such as eu-west-1');
  const genesys = r.string('genesysRegion');
  let mapped: string | undefined;
  if (genesys !== undefined) {
    mapped = awsRegionForGenesys(genesys);
    if (mapped === undefined) {
      r.problem(
        'invalid',
        ['genesysRegion'],
        `genesysRegion ${JSON.stringify(genesys)} is not a known Genesys Cloud domain; use one of ${Object.keys(GENESYS_REGIONS).join(', ')}, or pass region instead`,
      );
    }
  }
  if (explicit !== undefined && mapped !== undefined && explicit !== mapped) {
    r.problem(
      'conflict',
      ['region', 'genesysRegion'],
      `region ${explicit} contradicts genesysRegion ${genesys} (which runs in ${mapped}); give only one of them`,
    );
  }
  if (!r.has('region') && !r.has('genesysRegion')) {
    r.problem('missing', ['genesysRegion', 'region'], 'genesysRegion (e.g. mypurecloud.ie) or region (e.g. eu-west-1) is required');
  }
  return explicit ?? mapped;
}

function resolveDns(r: ContextReader, domainName: string | undefined, region: string | undefined): DnsConfig {
  const zoneName = r.string('hostedZoneName', /^.+$/)?.toLowerCase().replace(/\.$/, '');
  if (zoneName !== undefined && !HOST_NAME.test(zoneName)) {
    r.problem('invalid', ['hostedZoneName'], `hostedZoneName ${JSON.stringify(zoneName)} is not a DNS zone name`);
  }
  const hostedZoneId = r.string('hostedZoneId', /^.+$/)?.replace(/^\/?hostedzone\//, '');
  if (hostedZoneId !== undefined && !HOSTED_ZONE_ID.test(hostedZoneId)) {
    r.problem('invalid', ['hostedZoneId'], `hostedZoneId ${JSON.stringify(hostedZoneId)} is not a Route 53 zone id (Z…)`);
  }
  if (r.has('hostedZoneName') && !r.has('hostedZoneId')) {
    r.problem(
      'missing',
      ['hostedZoneId', 'hostedZoneName'],
      'hostedZoneId is required with hostedZoneName so that synth needs no AWS look-up; find it with: aws route53 list-hosted-zones-by-name --dns-name <zone>',
    );
  }
  if (r.has('hostedZoneId') && !r.has('hostedZoneName')) {
    r.problem('missing', ['hostedZoneName', 'hostedZoneId'], 'hostedZoneName is required with hostedZoneId');
  }
  if (zoneName !== undefined && domainName !== undefined && domainName !== zoneName && !domainName.endsWith(`.${zoneName}`)) {
    r.problem('conflict', ['domainName', 'hostedZoneName'], `domainName ${domainName} is not inside hostedZoneName ${zoneName}`);
  }

  const certificateArn = r.string('certificateArn', CERTIFICATE_ARN, 'an ACM certificate ARN');
  const certRegion = certificateArn === undefined ? undefined : CERTIFICATE_ARN.exec(certificateArn)?.[1];
  if (certRegion !== undefined && region !== undefined && certRegion !== region) {
    r.problem(
      'conflict',
      ['certificateArn', 'region', 'genesysRegion'],
      `certificateArn is in ${certRegion} but the stack deploys to ${region}; an ALB needs a certificate from its own Region`,
    );
  }
  if (!r.has('certificateArn') && !r.has('hostedZoneName') && !r.has('hostedZoneId')) {
    r.problem(
      'missing',
      ['hostedZoneName', 'hostedZoneId', 'certificateArn'],
      'hostedZoneName + hostedZoneId (new DNS-validated certificate and alias record) or certificateArn (existing certificate) is required',
    );
  }
  return {
    ...(zoneName !== undefined && hostedZoneId !== undefined ? { hostedZone: { zoneName, hostedZoneId } } : {}),
    ...(certificateArn === undefined ? {} : { certificateArn }),
  };
}

function resolveNetwork(r: ContextReader): NetworkConfig {
  const vpcId = r.string('vpcId', VPC_ID, 'a VPC id such as vpc-0123456789abcdef0');
  const publicSubnetIds = r.list('vpcPublicSubnetIds', SUBNET_ID);
  const privateSubnetIds = r.list('vpcPrivateSubnetIds', SUBNET_ID);
  const natGateways = r.int('natGateways', DEFAULTS.natGateways, 0, 2);
  if (!r.has('vpcId')) {
    for (const key of ['vpcPublicSubnetIds', 'vpcPrivateSubnetIds'] as const) {
      if (r.has(key)) r.problem('conflict', [key, 'vpcId'], `${key} needs vpcId (subnets belong to an existing VPC)`);
    }
    return { kind: 'new', natGateways };
  }
  if (r.has('natGateways')) {
    r.problem('conflict', ['natGateways', 'vpcId'], 'natGateways applies only to a new VPC; an existing VPC (vpcId) keeps its own routing');
  }
  if (publicSubnetIds.length < 2 && !r.problems.some((p) => p.keys[0] === 'vpcPublicSubnetIds')) {
    r.problem(
      'missing',
      ['vpcPublicSubnetIds', 'vpcId'],
      'vpcPublicSubnetIds needs at least two public subnets in different Availability Zones for the load balancer (comma-separated)',
    );
  }
  if (privateSubnetIds.length === 1) {
    r.problem('invalid', ['vpcPrivateSubnetIds'], 'vpcPrivateSubnetIds needs at least two subnets, or none to run tasks in the public subnets');
  }
  return { kind: 'existing', vpcId: vpcId ?? '', publicSubnetIds, privateSubnetIds };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
