import { join } from 'node:path';
import type { GrowingFile } from './growing-file.js';

/** Why sealing could not vouch for a recording, with a stable code for logs and callers. */
export class SealError extends Error {
  override name = 'SealError';
  constructor(
    readonly code: 'seal_mismatch' | 'seal_file_missing' | 'seal_uncommitted' | 'sealer_stopped',
    message: string,
  ) {
    super(message);
  }
}

/** What a seal of one file says: its first `offset` bytes hash to `prefixSha256`. */
export interface SealResult {
  fileName: string;
  offset: number;
  prefixSha256: string;
}

/** One file of a recording: the bytes hashed so far, and the part of them a committed seal covers. */
export interface FileState {
  /** Holds the running hash: `file.hashed` bytes fed, possibly not sealed yet. */
  file: GrowingFile;
  /** The file's last seal in the database; only this may be reported as sealed. */
  committed: { offset: number; prefixSha256: string } | null;
}

/** A recording being sealed, and its chain's head as committed to the database. */
export interface Tracked {
  recordingId: string;
  sessionId: string;
  dir: string;
  fileBase: string;
  files: Map<string, FileState>;
  seq: number;
  prevHash: string;
}

export type OpenFile = (path: string) => Promise<GrowingFile>;

/**
 * Each file's last committed seal. Throws if any file holds hashed bytes that no committed seal
 * covers: what is returned is checked against the stored masters and must be in the seals table.
 */
export function finalSeals(t: Tracked): SealResult[] {
  return [...t.files.entries()].map(([fileName, f]) => {
    if (!f.committed || f.committed.offset !== f.file.hashed)
      throw new SealError(
        'seal_uncommitted',
        `${fileName}: ${f.file.hashed} bytes hashed but only ${f.committed?.offset ?? 'none'} sealed in the database`,
      );
    return { fileName, ...f.committed };
  });
}

/** True when some file has hashed bytes not yet covered by a committed seal. */
export function uncommitted(t: Tracked): boolean {
  return [...t.files.values()].some((f) => !f.committed || f.file.hashed > f.committed.offset);
}

export async function closeAll(t: Tracked): Promise<void> {
  for (const f of t.files.values()) await f.file.close();
}

/**
 * Opens a recording file under its .tmp name (still being written) or its final name. In that
 * order: Janus only ever renames x.mjr.tmp to x.mjr, so if the first is gone the second is there.
 */
export async function openEither(
  openFile: OpenFile,
  dir: string,
  fileName: string,
): Promise<GrowingFile | null> {
  for (const candidate of [`${fileName}.tmp`, fileName]) {
    const file = await openFile(join(dir, candidate)).catch(() => null);
    if (file) return file;
  }
  return null;
}
