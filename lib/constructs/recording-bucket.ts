import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
// cdk-nag names IAM5 findings by this flattening; using it keeps the acknowledgement id exact.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { METRIC_NAMES } from '../../runtime/src/config/metric-names.js';

/** The key prefix the server writes recordings under (runtime/src/compose/recordings.ts). */
export const RECORDINGS_PREFIX = 'recordings/';

export interface RecordingBucketProps {
  /** Days after which recordings (and their access logs) are deleted. */
  readonly retentionDays: number;
  /** Namespace the server publishes its metrics in, for the lost-recordings alarm. */
  readonly metricsNamespace: string;
}

/**
 * Where call recordings go (a WAV and a JSON sidecar per call: personal data): a private bucket that
 * takes only TLS, encrypted with its own customer managed KMS key (rotated yearly), whose objects
 * expire after `retentionDays`, with server access logs in a second bucket. The server may only add
 * objects under `recordings/` ({@link RecordingBucket.grantWrite}); nothing in the stack can read
 * them, so listening to a recording needs a person's own IAM grant.
 */
export class RecordingBucket extends Construct {
  public readonly bucket: Bucket;
  public readonly key: Key;
  public readonly accessLogs: Bucket;
  /** Recordings given up after the upload's retries, or dropped at the upload queue's bound. */
  public readonly lostAlarm: Alarm;

  constructor(scope: Construct, id: string, props: RecordingBucketProps) {
    super(scope, id);
    const expiration = Duration.days(props.retentionDays);
    this.key = new Key(this, 'Key', {
      description: 'Encrypts call recordings (SSE-KMS)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Server access logs cannot be delivered to an SSE-KMS bucket: S3-managed keys here.
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is itself the access-log destination of the recordings bucket; logging access to it would need yet another log bucket.',
    });
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      // One data key per bucket instead of one KMS call per object: cheaper, same protection.
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'recordings-bucket/',
      lifecycleRules: [{ expiration, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.lostAlarm = new Alarm(this, 'RecordingsLost', {
      alarmDescription: 'Call recordings were not stored (S3 failed through every retry, or the upload queue was full). See docs/deploy.md, Call recording.',
      metric: new Metric({
        namespace: props.metricsNamespace,
        metricName: METRIC_NAMES.recordingsLost,
        statistic: 'Sum',
        period: Duration.minutes(5),
        label: 'Recordings lost',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * `s3:PutObject` on `recordings/*` only (no read, list or delete), and the one KMS action a
   * single-part SSE-KMS PutObject needs (`kms:GenerateDataKey`; recordings are never multipart).
   */
  grantWrite(role: IRole): void {
    const objects = this.bucket.arnForObjects(`${RECORDINGS_PREFIX}*`);
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [objects] }));
    this.key.grant(role, 'kms:GenerateDataKey');
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(this).resolve(objects))}]`,
      reason: 'Each call writes new objects whose keys (date/conversation/session) are not known at deploy time; the wildcard is limited to PutObject under the recordings/ prefix of this one bucket.',
    });
  }
}
