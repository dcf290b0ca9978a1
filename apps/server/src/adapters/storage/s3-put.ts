import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';

/** Reads `length` bytes of the source at `offset` (never more than one part). */
export type ReadPart = (offset: number, length: number) => Promise<Buffer>;

/** Parts in flight at once: memory held is this many parts. */
const PARTS_AT_ONCE = 4;

const sha256 = (b: Buffer) => createHash('sha256').update(b);

/**
 * Uploads `size` bytes as one object that must not exist yet (If-None-Match: *), each
 * request carrying the SHA-256 of its bytes (x-amz-checksum-sha256) for the bucket to
 * check. Up to `partSize` it is one PUT; beyond, a multipart upload whose parts are
 * read from the source as they go (at most PARTS_AT_ONCE in memory), each with its own
 * checksum, aborted if anything fails. Returns the SHA-256 (hex) of the whole object.
 */
export async function putObject(
  client: S3Client,
  target: { Bucket: string; Key: string },
  size: number,
  read: ReadPart,
  partSize: number,
): Promise<string> {
  const whole = createHash('sha256');
  if (size <= partSize) {
    const body = await read(0, size);
    whole.update(body);
    await client.send(
      new PutObjectCommand({
        ...target,
        Body: body,
        ContentLength: size,
        ChecksumSHA256: sha256(body).digest('base64'),
        IfNoneMatch: '*',
      }),
    );
    return whole.digest('hex');
  }
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({ ...target, ChecksumAlgorithm: 'SHA256' }),
  );
  if (!UploadId) throw new Error('the bucket started a multipart upload without an upload id');
  try {
    const parts: CompletedPart[] = [];
    const count = Math.ceil(size / partSize);
    for (let first = 1; first <= count; first += PARTS_AT_ONCE) {
      // Read in order (the whole-object hash needs it), then send this batch together.
      const batch: Array<{ PartNumber: number; body: Buffer; checksum: string }> = [];
      for (let n = first; n < first + PARTS_AT_ONCE && n <= count; n++) {
        const offset = (n - 1) * partSize;
        const body = await read(offset, Math.min(partSize, size - offset));
        whole.update(body);
        batch.push({ PartNumber: n, body, checksum: sha256(body).digest('base64') });
      }
      const sent = await Promise.all(
        batch.map(async ({ PartNumber, body, checksum }) => {
          const r = await client.send(
            new UploadPartCommand({
              ...target,
              UploadId,
              PartNumber,
              Body: body,
              ContentLength: body.length,
              ChecksumSHA256: checksum,
            }),
          );
          return { PartNumber, ETag: r.ETag, ChecksumSHA256: checksum };
        }),
      );
      parts.push(...sent);
    }
    await client.send(
      new CompleteMultipartUploadCommand({
        ...target,
        UploadId,
        MultipartUpload: { Parts: parts },
        IfNoneMatch: '*',
      }),
    );
  } catch (err) {
    await client.send(new AbortMultipartUploadCommand({ ...target, UploadId })).catch(() => {});
    throw err;
  }
  return whole.digest('hex');
}

/** The S3 error code ("NoSuchKey", "AccessDenied", …), or the error's name. */
export function errorName(err: unknown): string {
  const e = err as { Code?: unknown; name?: unknown } | null;
  return typeof e?.Code === 'string' ? e.Code : typeof e?.name === 'string' ? e.name : 'Error';
}

/** A 404 of any shape: NoSuchKey from GET, NotFound from HEAD. */
export function isMissing(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  const name = errorName(err);
  return name !== 'NoSuchBucket' && (status === 404 || name === 'NoSuchKey' || name === 'NotFound');
}
