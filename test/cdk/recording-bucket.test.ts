import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { StackConfigError, parseStackConfig } from '../../lib/stack-config.js';
import { EXAMPLE_CONTEXT } from '../../lib/stack-config.js';
import { synthVoiceBot } from './support/synth.js';

// One synth with recording on, cdk-nag AwsSolutions registered: a finding would make it throw.
const recording = (): ReturnType<typeof synthVoiceBot> =>
  synthVoiceBot({ nag: true, context: { recording: true, recordAllCalls: true, recordingRetentionDays: 90, alarmTopicArn: 'arn:aws:sns:eu-west-1:111111111111:alarms' } });

function bucketsWith(props: Record<string, unknown>): string[] {
  return Object.keys(recording().template.findResources('AWS::S3::Bucket', { Properties: props }));
}

describe('call recording in the stack', () => {
  it('synthesizes with recording on and cdk-nag clean', () => {
    expect(() => recording()).not.toThrow();
  });

  it('creates nothing for recordings when the context value is off (the default)', () => {
    const template = synthVoiceBot({ nag: true }).template;
    expect(Object.keys(template.findResources('AWS::KMS::Key'))).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('RECORDINGS_BUCKET');
  });

  it('keeps recordings in a private, TLS-only, SSE-KMS bucket that expires them and logs access', () => {
    const { template } = recording();
    const [bucket] = bucketsWith({ BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ BucketKeyEnabled: true })] } });
    expect(bucket).toMatch(/^RecordingsBucket/);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RecordingsKey'), 'Arn'] } },
          },
        ],
      },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })]) },
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^RecordingsAccessLogs') }, LogFilePrefix: 'recordings-bucket/' },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    // TLS only: the bucket policy denies any request without SecureTransport.
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Principal: { AWS: '*' } }),
        ]),
      },
    });
    template.hasResource('AWS::S3::Bucket', { Properties: { LoggingConfiguration: Match.anyValue() }, DeletionPolicy: 'Retain' });
  });

  it('grants the task s3:PutObject on recordings/* only, and kms:GenerateDataKey on the recordings key only', () => {
    const { template } = recording();
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^VoiceBotTaskTaskRole') }] } });
    const statements = Object.values(policies).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } } }).Properties.PolicyDocument.Statement,
    );
    const s3 = statements.filter((s) => JSON.stringify(s.Action).includes('s3:'));
    expect(s3).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^RecordingsBucket/), 'Arn'] }, '/recordings/*']] },
      },
    ]);
    const kms = statements.filter((s) => JSON.stringify(s.Resource).includes('RecordingsKey'));
    expect(kms).toEqual([{ Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^RecordingsKey/), 'Arn'] } }]);
  });

  it('tells the server the bucket, the key and to record every call, and alarms on lost recordings', () => {
    const { template } = recording();
    const [taskDef] = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as {
      Properties: { ContainerDefinitions: { Environment: { Name: string; Value: unknown }[] }[] };
    }[];
    const env = Object.fromEntries(taskDef!.Properties.ContainerDefinitions[0]!.Environment.map((e) => [e.Name, e.Value]));
    expect(env).toMatchObject({
      RECORDINGS_BUCKET: { Ref: expect.stringMatching(/^RecordingsBucket/) },
      RECORDINGS_KMS_KEY_ID: { 'Fn::GetAtt': [expect.stringMatching(/^RecordingsKey/), 'Arn'] },
      RECORD_ALL_CALLS: 'true',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [Match.objectLike({ MetricStat: Match.objectLike({ Metric: { MetricName: 'RecordingsLost', Namespace: 'GenesysVoiceBot/GenesysVoiceBot' }, Stat: 'Sum' }) })],
      Threshold: 1,
      AlarmActions: ['arn:aws:sns:eu-west-1:111111111111:alarms'],
    });
  });

  it('refuses recording options without recording', () => {
    expect(() => parseStackConfig({ ...EXAMPLE_CONTEXT, account: '111111111111', recordAllCalls: true })).toThrow(StackConfigError);
    expect(() => parseStackConfig({ ...EXAMPLE_CONTEXT, account: '111111111111', recording: true, recordingRetentionDays: 0 })).toThrow(StackConfigError);
  });

  it('matches the snapshot of its recording resources', () => {
    const resources = recording().template.toJSON().Resources as Record<string, { Type: string }>;
    const ours = Object.fromEntries(Object.entries(resources).filter(([id]) => id.startsWith('Recordings')));
    expect(ours).toMatchSnapshot();
  });
});
