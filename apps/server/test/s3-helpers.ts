import { S3Client } from '@aws-sdk/client-s3';
import type { S3Engine } from '@sightline/testkit/engines/s3';

/** S3's smallest part: a file one byte over it must go up in two parts. */
export const PART = 5 * 1024 * 1024;

/** An S3 client as openEvidenceStore builds one, aimed at `endpoint` (the engine, or a recorder in front). */
export function s3Client(engine: S3Engine, endpoint = engine.endpoint): S3Client {
  return new S3Client({
    region: engine.region,
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: engine.accessKeyId, secretAccessKey: engine.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
