import { Match } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EgressPortError } from '../../lib/bot-egress.js';
import { SERVER_METRICS } from '../../lib/constructs/observability.js';
import { ALB_IDLE_TIMEOUT_SECONDS, keepAliveTimeoutMsFor, LISTEN_BACKLOG, TASK_NOFILE_LIMIT } from '../../runtime/src/config/server-limits.js';
import { pathPatternRegExp, ROUTE_PATH_PATTERNS, routeRequest } from '../../runtime/src/server/routes.js';
import { BOTS_FIXTURE, maskedTemplate, synthVoiceBot, TEST_ACCOUNT } from './support/synth.js';

// One synth per configuration, shared by every test of the file (a synth takes seconds).
// The cdk-nag AwsSolutions pack runs in each of them: a finding would make the synth throw.
const example = (): ReturnType<typeof synthVoiceBot> => synthVoiceBot({ nag: true });
const existingInfra = (): ReturnType<typeof synthVoiceBot> =>
  synthVoiceBot({
    nag: true,
    context: {
      hostedZoneName: undefined,
      hostedZoneId: undefined,
      certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/0b1c2d3e-1111-2222-3333-444455556666',
      vpcId: 'vpc-0123456789abcdef0',
      vpcPublicSubnetIds: 'subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb',
      apiKeySecretName: 'genesys/audiohook-keys',
      participantHashSaltSecretArn: `arn:aws:secretsmanager:eu-west-1:111111111111:secret:voice-bot-salt-AbC123`,
      secretsKmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/0b1c2d3e-1111-2222-3333-444455556666',
      minTasks: 1,
      maxTasks: 4,
      sessionsPerTask: 30,
    },
  });

/** Hardened: CIDR-restricted, WAF, the Data Action route on the load balancer, an extra egress port. */
const hardened = (): ReturnType<typeof synthVoiceBot> =>
  synthVoiceBot({
    nag: true,
    context: {
      allowedCidrs: '52.200.73.32/32,54.0.0.0/24',
      loadBalancerWaf: true,
      wafRateLimit: 500,
      dataActionApi: true,
      dataActionServedBy: 'loadBalancer',
      taskEgressPorts: '443,8443',
    },
  });

/** Listener rules as path patterns per rule. */
function listenerRulePaths(template = example().template): string[][] {
  const rules = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule')) as {
    Properties: { Conditions: { Field: string; PathPatternConfig?: { Values: string[] } }[] };
  }[];
  return rules.map((r) => r.Properties.Conditions.find((c) => c.Field === 'path-pattern')?.PathPatternConfig?.Values ?? []);
}

/** The task role's policy statements. */
function taskRoleStatements(): unknown[] {
  const policies = example().template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^VoiceBotTaskTaskRole') }] },
  });
  const [policy] = Object.values(policies) as { Properties: { PolicyDocument: { Statement: unknown[] } } }[];
  return policy!.Properties.PolicyDocument.Statement;
}

/** The server container's environment as a name → value map. */
function containerEnvironment(template = example().template): Record<string, unknown> {
  const [taskDef] = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as {
    Properties: { ContainerDefinitions: { Environment: { Name: string; Value: unknown }[] }[] };
  }[];
  return Object.fromEntries(taskDef!.Properties.ContainerDefinitions[0]!.Environment.map((e) => [e.Name, e.Value]));
}

describe('VoiceBotStack (example context)', () => {
  it('synthesizes with the cdk-nag AwsSolutions checks without unacknowledged findings', () => {
    // GIVEN / WHEN the example stack is synthesized with cdk-nag registered
    // THEN synth did not throw and the template exists
    expect(() => example()).not.toThrow();
    expect(example().template.toJSON()).toHaveProperty('Resources');
  });

  it('terminates TLS 1.3/1.2 on 443 with an explicit post-quantum-capable policy and the certificate', () => {
    example().template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-PQ-2025-09',
      Certificates: [{ CertificateArn: { Ref: Match.stringLikeRegexp('^VoiceBotCertificate') } }],
    });
  });

  it('answers anything no rule matches with a fixed 404', () => {
    example().template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
    });
  });

  it('redirects plain HTTP to HTTPS', () => {
    example().template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
  });

  it('forwards only the AudioHook paths for the bot host name: not /health, not the Data Action route', () => {
    const { template } = example();
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [
        { Field: 'host-header', HostHeaderConfig: { Values: ['bot.example.com'] } },
        { Field: 'path-pattern', PathPatternConfig: { Values: [...ROUTE_PATH_PATTERNS.audiohook] } },
      ],
      Actions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('^VoiceBotTargets') } }],
    });
  });

  it('forwards exactly the paths the server routes to AudioHook (one route list for both)', () => {
    // GIVEN the listener's path patterns as synthesized
    const patterns = listenerRulePaths().flat().map(pathPatternRegExp);
    const forwarded = (path: string): boolean => patterns.some((p) => p.test(path));
    // THEN every AudioHook form the server accepts reaches it, and nothing else does
    for (const path of ['/audiohook', '/audiohook/', '/audiohook/billing', '/audiohookbilling', '/audiohook/a%20b']) {
      expect(routeRequest(path).kind).toBe('audiohook');
      expect(forwarded(path)).toBe(true);
    }
    for (const path of ['/health', '/webhooks/rest/webhook', '/', '/Audiohook', '/api/audiohook']) {
      expect(forwarded(path)).toBe(false);
    }
  });

  it('keeps idle WebSockets open for 300 s and drops invalid header fields', () => {
    example().template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'idle_timeout.timeout_seconds', Value: '300' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
      ]),
    });
  });

  it('drains a deregistered task for 1800 s and checks health on /health', () => {
    example().template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      HealthCheckPath: '/health',
      Matcher: { HttpCode: '200' },
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '1800' }]),
    });
  });

  it('gives the server 120 s after SIGTERM and tells it to finish within 110 s', () => {
    example().template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ StopTimeout: 120 })],
    });
    expect(Number(containerEnvironment()['DRAIN_TIMEOUT_MS'])).toBe(110_000);
  });

  it('runs the task on ARM64 Linux and builds the image for linux/arm64', () => {
    const { template, app, stack } = example();
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      RequiresCompatibilities: ['FARGATE'],
    });
    const assets = JSON.parse(readFileSync(join(app.outdir, `${stack.artifactId}.assets.json`), 'utf8')) as {
      dockerImages: Record<string, { source: { platform?: string } }>;
    };
    expect(Object.values(assets.dockerImages).map((image) => image.source.platform)).toEqual(['linux/arm64']);
  });

  it('rolls back failed deployments and starts new tasks before stopping old ones', () => {
    example().template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
      }),
    });
  });

  it('scales on average active sessions per task from the server namespace', () => {
    example().template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        CustomizedMetricSpecification: { Namespace: 'GenesysVoiceBot/GenesysVoiceBot', MetricName: 'ActiveSessions', Statistic: 'Average' },
        TargetValue: 20,
        ScaleOutCooldown: 60,
        ScaleInCooldown: 300,
      },
    });
    expect(containerEnvironment()['METRICS_NAMESPACE']).toBe('GenesysVoiceBot/GenesysVoiceBot');
  });

  it('also scales on CPU, between two and ten tasks', () => {
    const { template } = example();
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: 60,
      }),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10 });
  });

  it('grants the task role exactly the actions the server uses, on its own resources', () => {
    // Actions are sorted and single resources unwrapped by @aws-cdk/aws-iam:minimizePolicies (cdk.json).
    expect(taskRoleStatements()).toEqual([
      {
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Effect: 'Allow',
        Resource: { Ref: expect.stringMatching(/^ApiKeysSecret/) },
      },
      {
        Action: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^SessionsTable/), 'Arn'] },
      },
      {
        Sid: 'TranscribeStreaming',
        Action: ['transcribe:StartStreamTranscription', 'transcribe:StartStreamTranscriptionWebSocket'],
        Effect: 'Allow',
        Resource: '*',
      },
      { Sid: 'PollySynthesize', Action: ['polly:DescribeVoices', 'polly:SynthesizeSpeech'], Effect: 'Allow', Resource: '*' },
      {
        Sid: 'OwnTaskScaleInProtection',
        Action: ['ecs:GetTaskProtection', 'ecs:UpdateTaskProtection'],
        Effect: 'Allow',
        Resource: {
          'Fn::Join': ['', [`arn:aws:ecs:eu-west-1:${TEST_ACCOUNT}:task/`, { Ref: expect.stringMatching(/^VoiceBotCluster/) }, '/*']],
        },
      },
    ]);
  });

  it('uses a wildcard resource only for Transcribe and Polly, and no wildcard action anywhere', () => {
    const statements = taskRoleStatements() as { Action: string | string[]; Resource: unknown }[];
    const wildcardResources = statements.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat());
    expect(wildcardResources.every((a) => a.startsWith('transcribe:') || a.startsWith('polly:'))).toBe(true);
    expect(statements.flatMap((s) => [s.Action].flat()).some((a) => a.includes('*'))).toBe(false);
  });

  it('tells the server where its secret, table and metrics are, in production mode', () => {
    expect(containerEnvironment()).toMatchObject({
      NODE_ENV: 'production',
      PORT: '8080',
      API_KEYS_SECRET_ID: { Ref: expect.stringMatching(/^ApiKeysSecret/) },
      SESSION_TABLE_NAME: { Ref: expect.stringMatching(/^SessionsTable/) },
      METRICS_NAMESPACE: 'GenesysVoiceBot/GenesysVoiceBot',
    });
  });

  it('stores sessions on demand with TTL, point-in-time recovery and encryption, and retains the table', () => {
    example().template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 },
        SSESpecification: { SSEEnabled: true },
      },
    });
  });

  it('creates the API-key secret from a generated placeholder, never a literal value, and retains it', () => {
    example().template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: {
        Name: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/audiohook-api-keys-$')])] },
        SecretString: Match.absent(),
        GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{}', GenerateStringKey: 'replace-me', ExcludePunctuation: true }),
      },
    });
  });

  it('names no retained resource so that a redeploy after cdk destroy could collide with it', () => {
    // GIVEN every resource that outlives the stack
    const resources = example().template.toJSON()['Resources'] as Record<string, { DeletionPolicy?: string; Properties?: Record<string, unknown> }>;
    const retained = Object.entries(resources).filter(([, r]) => r.DeletionPolicy === 'Retain');
    expect(retained.length).toBeGreaterThanOrEqual(4); // table, access-log bucket, API-key secret, hash salt
    // THEN each has a generated name, or one that includes this deployment's stack id
    for (const [id, resource] of retained) {
      const names = Object.entries(resource.Properties ?? {}).filter(([key]) => /Name$/.test(key) && key !== 'KeySchema');
      for (const [key, value] of names) {
        expect(JSON.stringify(value), `${id}.${key}`).toContain('AWS::StackId');
      }
    }
  });

  it('generates the participant hash salt, retains it, and injects it into the container as an ECS secret', () => {
    const { template } = example();
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: {
        Name: Match.absent(),
        Description: Match.stringLikeRegexp('PARTICIPANT_HASH_SALT'),
        GenerateSecretString: { ExcludePunctuation: true, IncludeSpace: false, PasswordLength: 64 },
      },
    });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({ Secrets: [{ Name: 'PARTICIPANT_HASH_SALT', ValueFrom: { Ref: Match.stringLikeRegexp('^ParticipantHashSaltSecret') } }] }),
      ],
    });
    expect(containerEnvironment()).not.toHaveProperty('PARTICIPANT_HASH_SALT');
  });

  it('runs the server on a read-only root filesystem with no writable mounts', () => {
    example().template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ ReadonlyRootFilesystem: true, MountPoints: Match.absent() })],
      Volumes: Match.absent(),
    });
  });

  it('admits HTTPS from anywhere and attaches no WAF by default', () => {
    const { template } = example();
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Voice bot ALB'),
      SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443 })]),
    });
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  it('keeps server logs for 30 days', () => {
    example().template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    example().template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({ LogConfiguration: { LogDriver: 'awslogs', Options: Match.objectLike({ 'awslogs-group': { Ref: Match.stringLikeRegexp('^VoiceBotLogs') } }) } }),
      ],
    });
  });

  it('lets tasks accept traffic only from the load balancer and send only HTTPS', () => {
    const { template } = example();
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^VoiceBotLoadBalancerSecurityGroup'), 'GroupId'] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Voice bot tasks'),
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.anyValue() }],
    });
  });

  it('validates a new certificate through DNS and points an alias record at the load balancer', () => {
    const { template } = example();
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'bot.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'bot.example.com', HostedZoneId: 'Z0EXAMPLE' }],
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'bot.example.com.', Type: 'A', HostedZoneId: 'Z0EXAMPLE' });
  });

  it('outputs what a Genesys admin pastes and nothing for a disabled Data Action API', () => {
    const outputs = example().template.toJSON()['Outputs'] as Record<string, { Value: unknown }>;
    expect(outputs['AudioConnectorBaseConnectionUri']?.Value).toBe('wss://bot.example.com/audiohook/');
    expect(outputs['DefaultConnectorId']?.Value).toBe('default');
    expect(JSON.stringify(outputs['ApiKeySecretName']?.Value)).toContain('/audiohook-api-keys-');
    expect(outputs['ParticipantHashSaltSecretArn']?.Value).toEqual({ Ref: expect.stringMatching(/^ParticipantHashSaltSecret/) });
    expect(outputs['ApiKeySecretArn']?.Value).toEqual({ Ref: expect.stringMatching(/^ApiKeysSecret/) });
    expect(outputs['SessionTableName']?.Value).toEqual({ Ref: expect.stringMatching(/^SessionsTable/) });
    expect(outputs['DashboardUrl']?.Value).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/VoiceBot-eu-west-1',
    );
    expect(outputs).not.toHaveProperty('DataActionUrl');
  });

  it('sets the ALB idle timeout and the server keep-alive timeout from one constant, and the open-file limit explicitly', () => {
    const { template } = example();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: String(ALB_IDLE_TIMEOUT_SECONDS) }]),
    });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Ulimits: [{ Name: 'nofile', SoftLimit: TASK_NOFILE_LIMIT, HardLimit: TASK_NOFILE_LIMIT }],
          Environment: Match.arrayWith([{ Name: 'HTTP_KEEP_ALIVE_TIMEOUT_MS', Value: String(keepAliveTimeoutMsFor(ALB_IDLE_TIMEOUT_SECONDS)) }]),
        }),
      ],
    });
    expect(keepAliveTimeoutMsFor(ALB_IDLE_TIMEOUT_SECONDS)).toBeGreaterThan(ALB_IDLE_TIMEOUT_SECONDS * 1_000);
  });

  it('lets the kernel queue the server’s whole listen backlog (net.core.somaxconn caps it), whatever the platform default', () => {
    example().template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ SystemControls: [{ Namespace: 'net.core.somaxconn', Value: String(LISTEN_BACKLOG) }] })],
    });
  });

  it('charts every server metric on the dashboard', () => {
    const [dashboard] = Object.values(example().template.findResources('AWS::CloudWatch::Dashboard')) as {
      Properties: { DashboardBody: unknown };
    }[];
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const name of Object.values(SERVER_METRICS)) expect(body).toContain(`\\"${name}\\"`);
  });

  it('alarms on load-balancer 5xx, unhealthy targets and speech-dependency failures', () => {
    const { template } = example();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'HTTPCode_ELB_5XX_Count', Namespace: 'AWS/ApplicationELB' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'UnHealthyHostCount', EvaluationPeriods: 3 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'RecognizerFailures' }) }) }),
        Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'SynthesizerFailures' }) }) }),
      ]),
    });
  });

  it('alarms when Transcribe refuses a stream and when Polly throttles, on the server metrics', () => {
    const { template } = example();
    // GIVEN the example stack WHEN synthesized THEN each capacity metric has its own alarm
    const onMetric = (name: string) =>
      Match.arrayWith([
        Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: name }), Stat: 'Sum', Period: 60 }) }),
      ]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: onMetric('TranscribeLimitExceeded'),
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: onMetric('PollyThrottled'),
      Threshold: 1,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
    });
  });

  it('matches the snapshot with asset hashes masked', () => {
    const masked = maskedTemplate(example().template);
    expect(JSON.stringify(masked)).not.toMatch(/[a-f0-9]{64}/);
    expect(masked).toMatchSnapshot();
  });
});

describe('VoiceBotStack (existing VPC, certificate and secret)', () => {
  it('synthesizes with the cdk-nag AwsSolutions checks without unacknowledged findings', () => {
    expect(() => existingInfra()).not.toThrow();
  });

  it('creates no VPC and places the load balancer and public-IP tasks in the given public subnets', () => {
    const { template } = existingInfra();
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Subnets: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: {
        AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED', Subnets: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'] }),
      },
    });
  });

  it('uses the given certificate and manages no DNS record', () => {
    const { template } = existingInfra();
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Certificates: [{ CertificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/0b1c2d3e-1111-2222-3333-444455556666' }],
    });
  });

  it('reads the existing secrets and grants read on those secrets only', () => {
    const { template } = existingInfra();
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Secrets: [{ Name: 'PARTICIPANT_HASH_SALT', ValueFrom: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:voice-bot-salt-AbC123' }],
        }),
      ],
    });
    expect(containerEnvironment(template)['API_KEYS_SECRET_ID']).toBe('genesys/audiohook-keys');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Effect: 'Allow',
            Resource: `arn:aws:secretsmanager:eu-west-1:${TEST_ACCOUNT}:secret:genesys/audiohook-keys-??????`,
          },
        ]),
      },
    });
  });

  it('grants kms:Decrypt on the customer-managed key of the imported secrets, through Secrets Manager only', () => {
    const { template } = existingInfra();
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^VoiceBotTaskTaskRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'kms:Decrypt',
            Effect: 'Allow',
            Resource: 'arn:aws:kms:eu-west-1:111111111111:key/0b1c2d3e-1111-2222-3333-444455556666',
            Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
          },
        ]),
      },
    });
    // The execution role injects the salt, so it needs the key too.
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^VoiceBotTaskExecutionRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'kms:Decrypt' })]) },
    });
  });

  it('applies the configured task counts and sessions-per-task target', () => {
    const { template } = existingInfra();
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 4 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 30 }),
    });
  });
});

describe('VoiceBotStack (hardened: allowedCidrs, WAF, Data Action on the load balancer, extra egress)', () => {
  it('synthesizes with the cdk-nag AwsSolutions checks without unacknowledged findings', () => {
    expect(() => hardened()).not.toThrow();
  });

  it('admits only the allowed CIDRs to the load balancer', () => {
    const [group] = Object.values(
      hardened().template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Voice bot ALB') } }),
    ) as { Properties: { SecurityGroupIngress: { CidrIp: string; FromPort: number }[] } }[];
    const ingress = group!.Properties.SecurityGroupIngress;
    expect([...new Set(ingress.map((rule) => rule.CidrIp))].sort()).toEqual(['52.200.73.32/32', '54.0.0.0/24']);
    expect(ingress.map((rule) => rule.FromPort).sort()).toEqual([443, 443, 80, 80]);
  });

  it('attaches a regional web ACL with a per-IP rate-based rule to the load balancer', () => {
    const { template } = hardened();
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Action: { Block: {} },
          Statement: { RateBasedStatement: { Limit: 500, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
        }),
      ],
    });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: Match.stringLikeRegexp('^VoiceBotLoadBalancer') },
    });
  });

  it('forwards the Data Action route to the tasks and gives them its keys, with no Lambda', () => {
    const { template } = hardened();
    expect(listenerRulePaths(template)).toEqual([[...ROUTE_PATH_PATTERNS.audiohook], [...ROUTE_PATH_PATTERNS.dataAction]]);
    expect(containerEnvironment(template)['DATA_ACTION_KEYS_SECRET_ID']).toEqual({ Ref: expect.stringMatching(/^DataActionKeysSecret/) });
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    expect(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler', Runtime: 'nodejs22.x' } })).toEqual({});
    const outputs = template.toJSON()['Outputs'] as Record<string, { Value: unknown }>;
    expect(outputs['DataActionUrl']?.Value).toBe('https://bot.example.com/webhooks/rest/webhook');
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^VoiceBotTaskTaskRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Effect: 'Allow',
            Resource: Match.arrayWith([{ Ref: Match.stringLikeRegexp('^DataActionKeysSecret') }]),
          },
        ]),
      },
    });
  });

  it('opens the configured egress ports', () => {
    hardened().template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Voice bot tasks'),
      SecurityGroupEgress: [Match.objectLike({ FromPort: 443, ToPort: 443 }), Match.objectLike({ FromPort: 8443, ToPort: 8443 })],
    });
  });
});

describe('VoiceBotStack egress from the bot files', () => {
  it('opens the ports the bot files need', () => {
    synthVoiceBot({ botsDirectory: BOTS_FIXTURE }).template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Voice bot tasks'),
      SecurityGroupEgress: [Match.objectLike({ FromPort: 443 }), Match.objectLike({ FromPort: 8080, ToPort: 8080 })],
    });
  });

  it('fails the synth, naming the bot and port, when taskEgressPorts leaves a bot unreachable', () => {
    const attempt = (): unknown => synthVoiceBot({ botsDirectory: BOTS_FIXTURE, context: { taskEgressPorts: '443' } });
    expect(attempt).toThrow(EgressPortError);
    expect(attempt).toThrow(/orders\.json.*port 8080/);
  });
});
