import { mkdir, stat } from 'node:fs/promises';
import { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../../config/config.js';
import type { Clock } from '../clock.js';
import type { EvidenceStore } from './evidence-store.js';
import { LocalEvidenceStore } from './local-evidence-store.js';
import { S3EvidenceStore } from './s3-evidence-store.js';

/**
 * The evidence store the configuration names: the local directory, or the S3 bucket
 * (checked now, so a wrong bucket or a bucket without the Object Lock the settings ask
 * for stops the server at boot rather than at the first recording).
 * `holdsEvidence`: whether the database lists any evidence not disposed of. A local directory
 * that is missing although it does is not made afresh: that is a volume not mounted, and
 * evidence written into a new directory would land on the disk under the mount point.
 */
export async function openEvidenceStore(
  config: Config,
  clock: Clock,
  holdsEvidence: () => Promise<boolean>,
): Promise<EvidenceStore> {
  const s = config.evidenceStore;
  if (s.kind === 'local') {
    const missing = await stat(config.evidenceDir).then(
      () => false,
      (err: NodeJS.ErrnoException) => err.code === 'ENOENT',
    );
    if (missing && (await holdsEvidence()))
      throw new Error(
        `the evidence directory ${config.evidenceDir} is missing, but the database lists evidence stored in it: is its volume mounted? The server does not start with an empty directory in its place.`,
      );
    // Made now, so the readiness check (GET /readyz) can tell a missing or unwritable store from a new one.
    await mkdir(config.evidenceDir, { recursive: true, mode: 0o700 });
    return new LocalEvidenceStore(config.evidenceDir);
  }
  const client = new S3Client({
    region: s.region,
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    forcePathStyle: s.forcePathStyle,
    ...(s.credentials ? { credentials: s.credentials } : {}),
    // Checksums are the store's own (SHA-256 on every PUT and part). The SDK's automatic
    // ones would stream CRC32 as an aws-chunked trailer, which not every S3 server accepts.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const store = new S3EvidenceStore(
    client,
    { bucket: s.bucket, prefix: s.prefix, partSize: s.partSize, objectLock: s.objectLock },
    clock,
  );
  await store.verifyBucket();
  return store;
}
