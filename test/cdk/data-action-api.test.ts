import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ApiKeySecret } from '../../lib/constructs/api-key-secret.js';
import { DataActionApi } from '../../lib/constructs/data-action-api.js';
import { SessionTable } from '../../lib/constructs/session-table.js';
import { HANDLER_FIXTURE, REAL_HANDLER, synthVoiceBot, TEST_ACCOUNT, testApp } from './support/synth.js';

/** The construct alone, on the fixture handler, synthesized once with cdk-nag. */
const construct = (() => {
  let cached: { template: Template; api: DataActionApi } | undefined;
  return () => {
    if (cached === undefined) {
      const stack = new Stack(testApp({ nag: true }), 'DataAction', { env: { account: TEST_ACCOUNT, region: 'eu-west-1' } });
      const api = new DataActionApi(stack, 'DataAction', {
        entry: HANDLER_FIXTURE,
        apiKeySecret: new ApiKeySecret(stack, 'Keys'),
        sessionTable: new SessionTable(stack, 'Sessions'),
        metricsNamespace: 'Test/VoiceBot',
      });
      cached = { template: Template.fromStack(stack), api };
    }
    return cached;
  };
})();

describe('DataActionApi', () => {
  it('synthesizes with the cdk-nag AwsSolutions checks without unacknowledged findings', () => {
    expect(() => construct()).not.toThrow();
  });

  it('runs the handler on Node.js 22 on ARM64 with the secret, table and namespace in its environment', () => {
    construct().template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Environment: {
        Variables: {
          NODE_ENV: 'production',
          METRICS_NAMESPACE: 'Test/VoiceBot',
          API_KEYS_SECRET_ID: { Ref: Match.stringLikeRegexp('^KeysSecret') },
          SESSION_TABLE_NAME: { Ref: Match.stringLikeRegexp('^SessionsTable') },
        },
      },
    });
  });

  it('routes only POST /webhooks/rest/webhook to the handler', () => {
    const { template } = construct();
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /webhooks/rest/webhook' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
  });

  it('throttles the stage and writes JSON access logs to a log group with retention', () => {
    const { template } = construct();
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataActionAccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('gives the handler its own role with exactly logs, secret and table access', () => {
    const { template } = construct();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] }),
      ManagedPolicyArns: Match.absent(),
    });
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy')) as {
      Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } };
    }[];
    expect(policy!.Properties.PolicyDocument.Statement.map((s) => s.Action)).toEqual([
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
      ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
    ]);
  });

  it('exposes the full URL of the Data Action route', () => {
    const resolved = Stack.of(construct().api).resolve(construct().api.url) as { 'Fn::Join': [string, unknown[]] };
    expect(resolved['Fn::Join'][1].at(-1)).toBe('/webhooks/rest/webhook');
  });
});

describe('VoiceBotStack with dataActionApi: true', () => {
  const withDataAction = (): ReturnType<typeof synthVoiceBot> =>
    synthVoiceBot({
      nag: true,
      dataActionEntry: REAL_HANDLER,
      context: {
        dataActionApi: true,
        dataActionRateLimit: 20,
        natGateways: 0,
        alarmTopicArn: `arn:aws:sns:eu-west-1:${TEST_ACCOUNT}:voice-bot-alarms`,
      },
    });

  it('synthesizes with cdk-nag and outputs the Data Action URL', () => {
    const outputs = withDataAction().template.toJSON()['Outputs'] as Record<string, { Value: unknown }>;
    expect(JSON.stringify(outputs['DataActionUrl']?.Value)).toContain('/webhooks/rest/webhook');
  });

  it('applies the configured stage throttling', () => {
    withDataAction().template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 100 },
    });
  });

  it('reserves concurrency for the handler', () => {
    withDataAction().template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', ReservedConcurrentExecutions: 20 });
  });

  it('creates the Data Action keys secret with generated content only, retained, under a per-deployment name', () => {
    const { template } = withDataAction();
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: {
        Description: Match.stringLikeRegexp('Data Action keys'),
        Name: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/data-action-keys-$'), Match.objectLike({ 'Fn::Select': Match.anyValue() })])] },
        SecretString: Match.absent(),
        GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{}', GenerateStringKey: 'replace-me' }),
      },
    });
    const outputs = template.toJSON()['Outputs'] as Record<string, { Value: unknown }>;
    expect(outputs).toHaveProperty('DataActionKeysSecretName');
  });

  it('gives the handler its keys secret and the hash salt, and the tasks neither the keys nor the route', () => {
    const { template } = withDataAction();
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } })) as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    }[];
    const variables = fn!.Properties.Environment.Variables;
    expect(variables['DATA_ACTION_KEYS_SECRET_ID']).toEqual({ Ref: expect.stringMatching(/^DataActionKeysSecret/) });
    // A dynamic reference: CloudFormation resolves it at deploy time; the template holds no salt.
    expect(JSON.stringify(variables['PARTICIPANT_HASH_SALT'])).toMatch(/\{\{resolve:secretsmanager:.*ParticipantHashSaltSecret/);
    const [taskDef] = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as {
      Properties: { ContainerDefinitions: { Environment: { Name: string }[] }[] };
    }[];
    expect(taskDef!.Properties.ContainerDefinitions[0]!.Environment.map((e) => e.Name)).not.toContain('DATA_ACTION_KEYS_SECRET_ID');
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 1);
  });

  it('notifies the alarm topic when an alarm fires', () => {
    withDataAction().template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [`arn:aws:sns:eu-west-1:${TEST_ACCOUNT}:voice-bot-alarms`],
    });
  });
});
