import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';

/** The files of a backup folder. Evidence keeps its store keys under `evidence/`. */
export const BACKUP_FILES = {
  manifest: 'manifest.json',
  /** Base64 Ed25519 signature, by the deployment's signing key, of manifest.json's exact bytes. */
  signature: 'manifest.sig',
  database: 'sightline.db',
  /** PostgreSQL: pg_dump's custom format, for pg_restore. */
  pgDump: 'sightline.pgdump',
  evidence: 'evidence',
} as const;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** One evidence store object in the backup: a master, copy, track or export package. */
export const BackupFile = z.object({
  key: z.string().min(1),
  sha256: Sha256,
  size: z.number().int().nonnegative(),
  kind: z.enum(['evidence', 'export']),
});
export type BackupFile = z.infer<typeof BackupFile>;

/** What a backup holds and what it was at the moment of the database snapshot. Signed. */
export const BackupManifest = z.object({
  format: z.literal('sightline-backup'),
  version: z.literal(1),
  createdAt: z.number().int(),
  database: z.discriminatedUnion('engine', [
    z.object({
      engine: z.literal('sqlite'),
      file: z.literal(BACKUP_FILES.database),
      sha256: Sha256,
      size: z.number().int(),
    }),
    z.object({
      engine: z.literal('postgres'),
      file: z.literal(BACKUP_FILES.pgDump),
      sha256: Sha256,
      size: z.number().int(),
    }),
  ]),
  /** The newest audit entry in the snapshot: the head a restore signs anew. */
  audit: z.object({
    entries: z.number().int().nonnegative(),
    head: z.object({ seq: z.number().int().nonnegative(), hash: Sha256 }).nullable(),
    lastCheckpointSeq: z.number().int().nullable(),
  }),
  counts: z.object({
    sessions: z.number().int().nonnegative(),
    evidenceItems: z.number().int().nonnegative(),
    exportPackages: z.number().int().nonnegative(),
  }),
  files: z.array(BackupFile),
  key: z.object({ fingerprint: z.string(), publicKeyPem: z.string() }),
});
export type BackupManifest = z.infer<typeof BackupManifest>;

/** SHA-256 and size of a file (the database snapshot), streamed. */
export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return { sha256: hash.digest('hex'), size: (await stat(path)).size };
}
