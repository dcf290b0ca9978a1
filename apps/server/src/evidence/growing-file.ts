import type { Hash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';

/** Bytes read per call while hashing: a tick of a 1.5 Mbit/s video file is about 1.9 MB. */
export const HASH_CHUNK_BYTES = 512 * 1024;

/**
 * A file that another process appends to, held open so that each seal reads only the new
 * bytes, by position, with no stream set up per read. The handle follows the file itself, not
 * its name: Janus renaming `x.mjr.tmp` to `x.mjr` when it closes the recording changes nothing.
 */
export class GrowingFile {
  private constructor(private readonly handle: FileHandle) {}

  /** Opens `path` read-only. */
  static async open(path: string): Promise<GrowingFile> {
    return new GrowingFile(await open(path, 'r'));
  }

  /** The file's length now. */
  async size(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  /**
   * Feeds bytes [start, end) into `hash`, reading into `buffer` (reused between calls).
   * Returns the offset actually reached: less than `end` only if the file became shorter
   * while being read, so the caller never claims bytes it did not hash.
   */
  async feed(hash: Hash, start: number, end: number, buffer: Buffer): Promise<number> {
    let at = start;
    while (at < end) {
      const want = Math.min(buffer.length, end - at);
      const { bytesRead } = await this.handle.read(buffer, 0, want, at);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      at += bytesRead;
    }
    return at;
  }

  /** Closes the handle; safe to call twice. */
  async close(): Promise<void> {
    await this.handle.close().catch(() => {});
  }
}
