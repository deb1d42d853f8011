import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { HostedZone } from 'aws-cdk-lib/aws-route53';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ApiKeySecret } from './constructs/api-key-secret.js';
import { grantBedrockModels, readLlmBotModels } from './constructs/bedrock-model-access.js';
import { DataActionApi } from './constructs/data-action-api.js';
import { Network } from './constructs/network.js';
import { Observability } from './constructs/observability.js';
import { SessionTable } from './constructs/session-table.js';
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
   * Bot definitions copied into the Data Action Lambda, and read at synth for the Bedrock grants of
   * their `llm` bots (the container image carries the same runtime/bots).
   * @default undefined — none copied, no Bedrock access granted
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

  constructor(scope: Construct, id: string, props: VoiceBotStackProps) {
    const { config, imageDirectory: _image, dataActionEntry: _entry, botsDirectory: _bots, ...stackProps } = props;
    super(scope, id, {
      description: 'Voice bot for Genesys Cloud Audio Connector (AudioHook v2) on ECS Fargate',
      ...stackProps,
      env: config.env,
    });
    if (config.dataActionApi.enabled && props.dataActionEntry === undefined) {
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
    const apiKeySecret = new ApiKeySecret(
      this,
      'ApiKeys',
      config.apiKeySecretName === undefined ? {} : { existingSecretName: config.apiKeySecretName },
    );
    const zone = config.dns.hostedZone;
    const hostedZone =
      zone === undefined ? undefined : HostedZone.fromHostedZoneAttributes(this, 'Zone', { zoneName: zone.zoneName, hostedZoneId: zone.hostedZoneId });
    const certificate =
      config.dns.certificateArn === undefined ? undefined : Certificate.fromCertificateArn(this, 'ImportedCertificate', config.dns.certificateArn);
    const logRetention = config.logRetentionDays;

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
      metricsNamespace: config.metricsNamespace,
      cpu: config.service.cpu,
      memoryLimitMiB: config.service.memoryMiB,
      minTasks: config.service.minTasks,
      maxTasks: config.service.maxTasks,
      sessionsPerTask: config.service.sessionsPerTask,
      logRetention,
    });

    if (config.dataActionApi.enabled && props.dataActionEntry !== undefined) {
      this.dataActionApi = new DataActionApi(this, 'DataAction', {
        entry: props.dataActionEntry,
        apiKeySecret,
        sessionTable,
        metricsNamespace: config.metricsNamespace,
        rateLimit: config.dataActionApi.rateLimit,
        burstLimit: config.dataActionApi.burstLimit,
        logRetention,
        ...(props.botsDirectory === undefined ? {} : { botsDirectory: props.botsDirectory }),
      });
    }

    const llmModels = props.botsDirectory === undefined ? [] : readLlmBotModels(props.botsDirectory);
    grantBedrockModels(this.voiceBot.taskDefinition.taskRole, llmModels);
    if (this.dataActionApi?.handler.role !== undefined) grantBedrockModels(this.dataActionApi.handler.role, llmModels);

    const observability = new Observability(this, 'Observability', {
      metricsNamespace: config.metricsNamespace,
      loadBalancer: this.voiceBot.loadBalancer,
      targetGroup: this.voiceBot.targetGroup,
      service: this.voiceBot.service,
      ...(this.dataActionApi === undefined ? {} : { dataActionHandler: this.dataActionApi.handler }),
      ...(config.alarmTopicArn === undefined ? {} : { alarmTopic: Topic.fromTopicArn(this, 'AlarmTopic', config.alarmTopicArn) }),
    });

    const output = (id: string, value: string, description: string): CfnOutput =>
      new CfnOutput(this, id, { value, description });
    output('AudioConnectorBaseConnectionUri', `wss://${config.domainName}/audiohook/`, 'Genesys Audio Connector integration: Base Connection URI');
    output('DefaultConnectorId', DEFAULT_CONNECTOR_ID, 'Architect "Call Audio Connector" action: Connector ID of the default bot');
    if (this.dataActionApi !== undefined) {
      output('DataActionUrl', this.dataActionApi.url, 'Genesys Data Action: request URL (POST, header X-API-KEY)');
    }
    output('ApiKeySecretName', apiKeySecret.secretName, 'Secret holding {"<apiKey>": "<base64 client secret>"}; put the Genesys credentials here');
    output('ApiKeySecretArn', apiKeySecret.secret.secretArn, 'ARN of the API-key secret');
    output('SessionTableName', sessionTable.table.tableName, 'DynamoDB table of session records');
    output('DashboardUrl', observability.dashboardUrl, 'CloudWatch dashboard');
    output('LoadBalancerDnsName', this.voiceBot.loadBalancer.loadBalancerDnsName, `Point ${config.domainName} here if the stack manages no DNS record`);
  }

  /**
   * Availability Zones as CloudFormation picks them (`Fn::GetAZs`), never a context look-up, so
   * synth stays offline even when an account is known. The VPC uses the first two.
   */
  override get availabilityZones(): string[] {
    return [Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs())];
  }
}
