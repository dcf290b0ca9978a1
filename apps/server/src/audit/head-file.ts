import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The newest signed audit checkpoint, kept as a file beside the signing key rather than in the
 * database. Someone who can only change the database can delete the newest entries and their
 * checkpoint rows together, and the chain that is left is intact; they cannot roll this file
 * back, and they cannot forge a newer one without the private key that sits next to it.
 */
export const SignedHead = z.object({
  seq: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.number().int().nonnegative(),
  keyFingerprint: z.string(),
  signature: z.string().min(1),
});
export type SignedHead = z.infer<typeof SignedHead>;

/** What reading the head file found. */
export type HeadRead =
  | { state: 'present'; head: SignedHead }
  | { state: 'absent' }
  | { state: 'unreadable'; reason: string };

/** Where the head lives for a deployment: with the key, outside the database. */
export const auditHeadPath = (keyDir: string) => join(keyDir, 'audit-head.json');

/** Reads and writes the head file; writes are atomic (temp file, fsync, rename). */
export class AuditHeadFile {
  constructor(readonly path: string) {}

  read(): HeadRead {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
      return { state: 'unreadable', reason: (err as Error).message };
    }
    try {
      const parsed = SignedHead.safeParse(JSON.parse(text));
      if (parsed.success) return { state: 'present', head: parsed.data };
      return { state: 'unreadable', reason: 'it is not a signed audit head' };
    } catch {
      return { state: 'unreadable', reason: 'it is not valid JSON' };
    }
  }

  write(head: SignedHead): void {
    const tmp = `${this.path}.${randomBytes(4).toString('hex')}.tmp`;
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(head)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}
