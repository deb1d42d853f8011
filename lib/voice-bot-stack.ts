import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { HostedZone } from 'aws-cdk-lib/aws-route53';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { botEndpoints, taskEgressPorts } from './bot-egress.js';
import { ApiKeySecret, DataActionKeySecret } from './constructs/api-key-secret.js';
import { grantBedrockModels, readLlmBotModels } from './constructs/bedrock-model-access.js';
import { DATA_ACTION_PATH, DataActionApi } from './constructs/data-action-api.js';
import { Network } from './constructs/network.js';
import { Observability } from './constructs/observability.js';
import { ParticipantHashSalt } from './constructs/participant-hash-salt.js';
import { RecordingBucket } from './constructs/recording-bucket.js';
import { SessionTable } from './constructs/session-table.js';
import { ENV } from '../runtime/src/config/env-keys.js';
import { VoiceBotService } from './constructs/voice-bot-service.js';
import type { StackConfig } from './stack-config.js';

/** Connector id of the bot that always exists (`runtime/bots/default.json`). */
export const DEFAULT_CONNECTOR_ID = 'default';

/** Props of {@link VoiceBotStack}. */
export interface VoiceBotStackProps extends StackProps {
  /** Validated configuration (lib/stack-config.ts). */
  readonly config: StackConfig;
  /** Directory with the Dockerfile and the bundled server (scripts/bundle.ts output). */
  readonly imageDirectory: string;
  /**
   * Entry of the Data Action Lambda handler; required when `config.dataActionApi.enabled`.
   * @default undefined
   */
  readonly dataActionEntry?: string;
  /**
   * Bot definitions: copied into the Data Action Lambda, and read at synth for the ports their URLs
   * need (the tasks' egress) and for the Bedrock grants of their `llm` bots.
   * @default undefined — none copied, egress 443 (or `taskEgressPorts`) only, no Bedrock access granted
   */
  readonly botsDirectory?: string;
}

/**
 * The voice bot for Genesys Cloud Audio Connector: network, session table, API-key secret, the
 * Fargate service behind its ALB, the optional Data Action API and observability. Composition only;
 * resource settings live in the constructs. Outputs are what a Genesys admin pastes.
 */
export class VoiceBotStack extends Stack {
  /** The server, load balancer and autoscaling. */
  public readonly voiceBot: VoiceBotService;
  /** The optional Data Action API. */
  public readonly dataActionApi?: DataActionApi;
  /** The call recordings bucket, when the `recording` context value is true. */
  public readonly recordings?: RecordingBucket;

  constructor(scope: Construct, id: string, props: VoiceBotStackProps) {
    const { config, imageDirectory: _image, dataActionEntry: _entry, botsDirectory: _bots, ...stackProps } = props;
    super(scope, id, {
      description: 'Voice bot for Genesys Cloud Audio Connector (AudioHook v2) on ECS Fargate',
      ...stackProps,
      env: config.env,
    });
    if (config.dataActionApi.enabled && config.dataActionApi.servedBy === 'apiGateway' && props.dataActionEntry === undefined) {
      throw new Error(`${this.node.path}: dataActionEntry is required when the Data Action API is enabled`);
    }

    const network = new Network(
      this,
      'Network',
      config.network.kind === 'new'
        ? { natGateways: config.network.natGateways }
        : {
            existing: {
              vpcId: config.network.vpcId,
              publicSubnetIds: config.network.publicSubnetIds,
              privateSubnetIds: config.network.privateSubnetIds,
            },
          },
    );
    const sessionTable = new SessionTable(this, 'Sessions');
    const { apiKeySecret, salt, dataActionKeys } = this.createSecrets(config);
    const zone = config.dns.hostedZone;
    const hostedZone =
      zone === undefined ? undefined : HostedZone.fromHostedZoneAttributes(this, 'Zone', { zoneName: zone.zoneName, hostedZoneId: zone.hostedZoneId });
    const certificate =
      config.dns.certificateArn === undefined ? undefined : Certificate.fromCertificateArn(this, 'ImportedCertificate', config.dns.certificateArn);
    const logRetention = config.logRetentionDays;
    const dataAction = config.dataActionApi;
    const endpoints = props.botsDirectory === undefined ? [] : botEndpoints(props.botsDirectory);

    this.voiceBot = new VoiceBotService(this, 'VoiceBot', {
      vpc: network.vpc,
      loadBalancerSubnets: network.loadBalancerSubnets,
      taskSubnets: network.taskSubnets,
      assignPublicIp: network.assignPublicIp,
      domainName: config.domainName,
      ...(hostedZone === undefined ? {} : { hostedZone }),
      ...(certificate === undefined ? {} : { certificate }),
      imageDirectory: props.imageDirectory,
      apiKeySecret,
      sessionTable,
      participantHashSalt: salt,
      ...(dataAction.enabled && dataAction.servedBy === 'loadBalancer' && dataActionKeys !== undefined ? { dataActionKeys } : {}),
      allowedCidrs: config.loadBalancer.allowedCidrs,
      ...(config.loadBalancer.wafRateLimit === undefined ? {} : { wafRateLimit: config.loadBalancer.wafRateLimit }),
      egressPorts: taskEgressPorts(endpoints, config.taskEgressPorts),
      metricsNamespace: config.metricsNamespace,
      cpu: config.service.cpu,
      memoryLimitMiB: config.service.memoryMiB,
      minTasks: config.service.minTasks,
      maxTasks: config.service.maxTasks,
      sessionsPerTask: config.service.sessionsPerTask,
      logRetention,
    });

    if (dataAction.enabled && dataAction.servedBy === 'apiGateway' && props.dataActionEntry !== undefined) {
      this.dataActionApi = new DataActionApi(this, 'DataAction', {
        entry: props.dataActionEntry,
        apiKeySecret,
        ...(dataActionKeys === undefined ? {} : { dataActionKeys }),
        participantHashSalt: salt,
        sessionTable,
        metricsNamespace: config.metricsNamespace,
        rateLimit: dataAction.rateLimit,
        burstLimit: dataAction.burstLimit,
        reservedConcurrency: dataAction.reservedConcurrency,
        logRetention,
        ...(props.botsDirectory === undefined ? {} : { botsDirectory: props.botsDirectory }),
      });
    }

    const llmModels = props.botsDirectory === undefined ? [] : readLlmBotModels(props.botsDirectory);
    grantBedrockModels(this.voiceBot.taskDefinition.taskRole, llmModels);
    if (this.dataActionApi?.handler.role !== undefined) grantBedrockModels(this.dataActionApi.handler.role, llmModels);

    const alarmTopic = config.alarmTopicArn === undefined ? undefined : Topic.fromTopicArn(this, 'AlarmTopic', config.alarmTopicArn);
    const observability = new Observability(this, 'Observability', {
      metricsNamespace: config.metricsNamespace,
      loadBalancer: this.voiceBot.loadBalancer,
      targetGroup: this.voiceBot.targetGroup,
      service: this.voiceBot.service,
      ...(this.dataActionApi === undefined ? {} : { dataActionHandler: this.dataActionApi.handler }),
      ...(alarmTopic === undefined ? {} : { alarmTopic }),
    });
    if (config.recording.enabled) this.recordings = this.addRecording(config.recording, config.metricsNamespace, alarmTopic);

    const output = (id: string, value: string, description: string): CfnOutput =>
      new CfnOutput(this, id, { value, description });
    output('AudioConnectorBaseConnectionUri', `wss://${config.domainName}/audiohook/`, 'Genesys Audio Connector integration: Base Connection URI');
    output('DefaultConnectorId', DEFAULT_CONNECTOR_ID, 'Architect "Call Audio Connector" action: Connector ID of the default bot');
    const dataActionUrl = this.dataActionApi?.url ?? (dataActionKeys === undefined ? undefined : `https://${config.domainName}${DATA_ACTION_PATH}`);
    if (dataActionUrl !== undefined) output('DataActionUrl', dataActionUrl, 'Genesys Data Action: request URL (POST, header X-API-KEY)');
    if (dataActionKeys !== undefined) {
      output('DataActionKeysSecretName', dataActionKeys.secretName, 'Secret holding {"<key>": {"organizationId": "<uuid>"}}; put the Data Action keys here');
    }
    output('ApiKeySecretName', apiKeySecret.secretName, 'Secret holding {"<apiKey>": "<base64 client secret>"}; put the Genesys credentials here');
    output('ApiKeySecretArn', apiKeySecret.secret.secretArn, 'ARN of the API-key secret');
    output('ParticipantHashSaltSecretArn', salt.secret.secretArn, 'Salt of caller-number hashes (retained; pass as participantHashSaltSecretArn to reuse it)');
    output('SessionTableName', sessionTable.table.tableName, 'DynamoDB table of session records');
    output('DashboardUrl', observability.dashboardUrl, 'CloudWatch dashboard');
    output('LoadBalancerDnsName', this.voiceBot.loadBalancer.loadBalancerDnsName, `Point ${config.domainName} here if the stack manages no DNS record`);
  }

  /**
   * The secrets: API keys, the participant-hash salt and (with the Data Action route) its keys; each
   * created with generated content, or imported by name with the optional customer-managed KMS key.
   */
  /** The recordings bucket, the task's write grant, the server's settings and the lost-recordings alarm. */
  private addRecording(recording: Extract<StackConfig['recording'], { enabled: true }>, metricsNamespace: string, alarmTopic: ITopic | undefined): RecordingBucket {
    const bucket = new RecordingBucket(this, 'Recordings', { retentionDays: recording.retentionDays, metricsNamespace });
    bucket.grantWrite(this.voiceBot.taskDefinition.taskRole);
    this.voiceBot.container.addEnvironment(ENV.RECORDINGS_BUCKET, bucket.bucket.bucketName);
    this.voiceBot.container.addEnvironment(ENV.RECORDINGS_KMS_KEY_ID, bucket.key.keyArn);
    if (recording.allCalls) this.voiceBot.container.addEnvironment(ENV.RECORD_ALL_CALLS, 'true');
    if (alarmTopic !== undefined) bucket.lostAlarm.addAlarmAction(new SnsAction(alarmTopic));
    new CfnOutput(this, 'RecordingsBucketName', { value: bucket.bucket.bucketName, description: 'Call recordings (WAV + JSON sidecar per call) under recordings/' });
    return bucket;
  }

  private createSecrets(config: StackConfig): { apiKeySecret: ApiKeySecret; salt: ParticipantHashSalt; dataActionKeys?: DataActionKeySecret } {
    const kms = config.secretsKmsKeyArn;
    const imported = (name: string | undefined): { existingSecretName?: string; encryptionKeyArn?: string } =>
      name === undefined ? {} : { existingSecretName: name, ...(kms === undefined ? {} : { encryptionKeyArn: kms }) };
    const apiKeySecret = new ApiKeySecret(this, 'ApiKeys', imported(config.apiKeySecretName));
    const saltArn = config.participantHashSaltSecretArn;
    const salt = new ParticipantHashSalt(
      this,
      'ParticipantHashSalt',
      saltArn === undefined ? {} : { existingSecretArn: saltArn, ...(kms === undefined ? {} : { encryptionKeyArn: kms }) },
    );
    const dataAction = config.dataActionApi;
    if (!dataAction.enabled) return { apiKeySecret, salt };
    return { apiKeySecret, salt, dataActionKeys: new DataActionKeySecret(this, 'DataActionKeys', imported(dataAction.keysSecretName)) };
  }

  /**
   * Availability Zones as CloudFormation picks them (`Fn::GetAZs`), never a context look-up, so
   * synth stays offline even when an account is known. The VPC uses the first two.
   */
  override get availabilityZones(): string[] {
    return [Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs())];
  }
}
