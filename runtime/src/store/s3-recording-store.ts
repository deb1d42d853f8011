import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RecordingObjectStore } from './recording-ports.js';

/**
 * Recordings in an S3 bucket. Encryption is the bucket's default (SSE-KMS, set by the stack) and is
 * also asked for explicitly, so a bucket without that default still refuses nothing and stores
 * nothing unencrypted. The task may only PutObject under the recordings prefix.
 */
export function createS3RecordingStore(client: S3Client, bucket: string, kmsKeyId: string | undefined): RecordingObjectStore {
  return {
    async put(object) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: object.key,
          Body: object.body,
          ContentType: object.contentType,
          ServerSideEncryption: 'aws:kms',
          ...(kmsKeyId === undefined ? {} : { SSEKMSKeyId: kmsKeyId }),
        }),
      );
    },
  };
}
