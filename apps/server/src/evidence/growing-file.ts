import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Bytes read per call while hashing: a tick of a 1.5 Mbit/s video file is about 1.9 MB. */
export const HASH_CHUNK_BYTES = 512 * 1024;

/** What GrowingFile needs of an open file: a FileHandle does (tests wrap one to inject failures). */
export interface FileReader {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

/**
 * A file that another process appends to, held open with a running SHA-256 of its first
 * `hashed` bytes, so that each seal reads only the new bytes, by position, with no stream set up
 * per read. The handle follows the file itself, not its name: Janus renaming `x.mjr.tmp` to
 * `x.mjr` when it closes the recording changes nothing.
 */
export class GrowingFile {
  readonly #hash = createHash('sha256');
  #hashed = 0;

  constructor(private readonly handle: FileReader) {}

  /** Opens `path` read-only. */
  static async open(path: string): Promise<GrowingFile> {
    return new GrowingFile(await open(path, 'r'));
  }

  /** Bytes fed into the running hash so far (the prefix prefixSha256() covers). */
  get hashed(): number {
    return this.#hashed;
  }

  /** SHA-256 of the first `hashed` bytes. */
  prefixSha256(): string {
    return this.#hash.copy().digest('hex');
  }

  /** The file's length now. */
  async size(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  /**
   * Hashes on from `hashed` up to `end`, reading into `buffer` (reused between calls). `hashed`
   * moves with every chunk, so a read that fails partway leaves the hash and the count in step
   * and the next call goes on from there: no byte is ever fed twice. Returns `hashed`: less
   * than `end` if the file became shorter while being read, so no seal claims bytes not hashed.
   */
  async hashTo(end: number, buffer: Buffer): Promise<number> {
    while (this.#hashed < end) {
      const want = Math.min(buffer.length, end - this.#hashed);
      const { bytesRead } = await this.handle.read(buffer, 0, want, this.#hashed);
      if (bytesRead === 0) break;
      this.#hash.update(buffer.subarray(0, bytesRead));
      this.#hashed += bytesRead;
    }
    return this.#hashed;
  }

  /** Closes the handle; safe to call twice. */
  async close(): Promise<void> {
    await this.handle.close().catch(() => {});
  }
}
