import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Vpc } from 'aws-cdk-lib/aws-ec2';
import { HostedZone } from 'aws-cdk-lib/aws-route53';
import { describe, expect, it } from 'vitest';
import { ApiKeySecret } from '../../lib/constructs/api-key-secret.js';
import { Network } from '../../lib/constructs/network.js';
import { SessionTable } from '../../lib/constructs/session-table.js';
import { VoiceBotService, type VoiceBotServiceProps } from '../../lib/constructs/voice-bot-service.js';
import { IMAGE_FIXTURE, testApp } from './support/synth.js';

/** A bare stack with a Region but no account: AZs resolve with Fn::GetAZs, nothing is looked up. */
const bareStack = (): Stack => new Stack(testApp(), 'Test', { env: { region: 'eu-west-1' } });

describe('Network', () => {
  it('puts tasks into private subnets behind one shared NAT gateway by default', () => {
    // GIVEN / WHEN a network with default props
    const stack = bareStack();
    const network = new Network(stack, 'Network');
    // THEN one NAT gateway serves two AZs, and tasks need no public IP
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    expect(network.assignPublicIp).toBe(false);
  });

  it('without NAT runs tasks in public subnets with public IPs', () => {
    // GIVEN / WHEN the cheapest layout
    const stack = bareStack();
    const network = new Network(stack, 'Network', { natGateways: 0 });
    // THEN there is no NAT gateway and no private subnet
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::Subnet', 2);
    expect(network.assignPublicIp).toBe(true);
  });

  it('logs rejected VPC traffic to a log group with retention', () => {
    // GIVEN / WHEN a new VPC
    const stack = bareStack();
    new Network(stack, 'Network');
    // THEN a REJECT flow log goes to CloudWatch Logs kept for 30 days
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT', LogDestinationType: 'cloud-watch-logs' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('passes the cdk-nag AwsSolutions checks in the public-subnet layout', () => {
    // GIVEN a NAT-less network in an app that runs cdk-nag
    const stack = new Stack(testApp({ nag: true }), 'Nag', { env: { region: 'eu-west-1' } });
    new Network(stack, 'Network', { natGateways: 0 });
    // WHEN / THEN synthesis reports no unacknowledged finding
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  it('rejects NAT settings for an existing VPC', () => {
    // GIVEN / WHEN / THEN the props that exclude each other throw at synth time
    expect(
      () =>
        new Network(bareStack(), 'Network', {
          natGateways: 1,
          existing: { vpcId: 'vpc-0123456789abcdef0', publicSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'] },
        }),
    ).toThrow(/natGateways and existing exclude each other/);
  });
});

describe('ApiKeySecret', () => {
  it('rejects a KMS key for a secret it creates (that key would never be used)', () => {
    expect(() => new ApiKeySecret(bareStack(), 'Keys', { encryptionKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/1234' })).toThrow(
      /existing secret only/,
    );
  });
});

describe('SessionTable', () => {
  it('rejects a recovery period point-in-time recovery does not offer', () => {
    expect(() => new SessionTable(bareStack(), 'Sessions', { recoveryPeriodInDays: 36 })).toThrow(/recoveryPeriodInDays/);
  });
});

describe('VoiceBotService validation', () => {
  /** Minimal valid props on a bare stack. */
  function props(stack: Stack): VoiceBotServiceProps {
    const vpc = new Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    return {
      vpc,
      loadBalancerSubnets: { subnets: vpc.publicSubnets },
      taskSubnets: { subnets: vpc.publicSubnets },
      domainName: 'bot.example.com',
      hostedZone: HostedZone.fromHostedZoneAttributes(stack, 'Zone', { zoneName: 'example.com', hostedZoneId: 'Z0EXAMPLE' }),
      imageDirectory: IMAGE_FIXTURE,
      apiKeySecret: new ApiKeySecret(stack, 'Keys'),
      sessionTable: new SessionTable(stack, 'Sessions'),
      metricsNamespace: 'Test/VoiceBot',
    };
  }

  it('rejects a drain timeout that would outlast the 120 s stop timeout', () => {
    const stack = bareStack();
    expect(() => new VoiceBotService(stack, 'Bot', { ...props(stack), drainTimeout: Duration.seconds(120) })).toThrow(/drainTimeout/);
  });

  it('rejects a deregistration delay the target group does not accept', () => {
    const stack = bareStack();
    expect(() => new VoiceBotService(stack, 'Bot', { ...props(stack), deregistrationDelay: Duration.hours(2) })).toThrow(/deregistrationDelay/);
  });

  it('requires a stack with an explicit Region', () => {
    const stack = new Stack(testApp(), 'Agnostic');
    expect(() => new VoiceBotService(stack, 'Bot', props(stack))).toThrow(/explicit region/);
  });

  it('requires a certificate or a hosted zone to validate one in', () => {
    const stack = bareStack();
    const { hostedZone: _zone, ...withoutZone } = props(stack);
    expect(() => new VoiceBotService(stack, 'Bot', withoutZone)).toThrow(/certificate or hostedZone/);
  });

  it('adds extra environment variables next to the wired ones', () => {
    // GIVEN a service with an extra LOG_LEVEL
    const stack = bareStack();
    new VoiceBotService(stack, 'Bot', { ...props(stack), environment: { LOG_LEVEL: 'debug' } });
    // THEN the later value wins and the wired names are still present
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Environment: Match.arrayWith([
            { Name: 'LOG_LEVEL', Value: 'debug' },
            { Name: 'SESSION_TABLE_NAME', Value: Match.anyValue() },
          ]),
        }),
      ],
    });
  });
});
