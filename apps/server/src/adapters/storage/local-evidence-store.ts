import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, link, mkdir, open, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertSafeKey,
  EvidenceExistsError,
  type EvidenceStore,
  EvidenceStoreGoneError,
  type Protection,
  type PutFileOptions,
  type StoredObject,
  UNPROTECTED,
} from './evidence-store.js';

/**
 * Evidence in a directory. Each object is written to a temporary file, fsynced,
 * then hard-linked into place — link() fails if the name exists, so an object can
 * never be replaced — and made read-only. A finished file the caller gives up
 * (`adopt`) is hard-linked into place itself, with no copy, when it can be.
 */
export class LocalEvidenceStore implements EvidenceStore {
  readonly kind = 'local';

  constructor(private readonly root: string) {}

  async putFile(key: string, sourcePath: string, opts: PutFileOptions = {}): Promise<StoredObject> {
    if (opts.adopt) {
      const adopted = await this.adopt(key, sourcePath);
      if (adopted) return adopted;
    }
    // The stream is made only once it is piped: opened earlier, a missing source file would
    // emit its error with no listener while the folder is made, and take the process down.
    return this.write(key, () => createReadStream(sourcePath));
  }

  async putBytes(key: string, bytes: Uint8Array): Promise<StoredObject> {
    const { Readable } = await import('node:stream');
    return this.write(key, () => Readable.from([Buffer.from(bytes)]));
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const path = this.path(key);
    await stat(path);
    return createReadStream(path, range ? { start: range.start, end: range.end } : {});
  }

  async size(key: string): Promise<number> {
    return (await stat(this.path(key))).size;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await stat(this.path(key));
      return true;
    } catch {
      return false;
    }
  }

  async hash(key: string): Promise<string> {
    const hash = createHash('sha256');
    await pipeline(createReadStream(this.path(key)), hash);
    return hash.digest('hex');
  }

  async dispose(key: string): Promise<void> {
    const path = this.path(key);
    await unlink(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    await syncDir(dirname(path)).catch(() => {});
  }

  /** A directory has no lock of its own; the database's retention rules are what protect it. */
  async protect(_key: string, _p: Protection): Promise<void> {}

  async protection(_key: string): Promise<Protection> {
    return UNPROTECTED;
  }

  private path(key: string): string {
    assertSafeKey(key);
    return join(this.root, key);
  }

  /**
   * Links a finished file into place: no copy, and no second write of its bytes to disk. The
   * file is synced first, made read-only, and then hashed as stored (the read-back). Null when
   * it cannot be adopted, and the caller copies instead: on another file system, or owned by
   * another user (then it could not be made read-only, and its owner could still change it).
   */
  private async adopt(key: string, sourcePath: string): Promise<StoredObject | null> {
    const final = this.path(key);
    await this.makeFolder(dirname(final));
    const fh = await open(sourcePath, 'r');
    try {
      if ((await fh.stat()).uid !== process.getuid?.()) return null;
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await link(sourcePath, final);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw await this.existing(key, final);
      if (code === 'EXDEV' || code === 'EPERM' || code === 'EMLINK') return null;
      throw err;
    }
    await chmod(final, 0o400);
    await syncDir(dirname(final));
    return { key, ...(await this.readBack(final)), readBack: true };
  }

  /**
   * Makes an object's folder one level at a time below the root, never the root itself: a root
   * that is gone is a volume not mounted, and a recursive mkdir would quietly put evidence on the
   * disk under the mount point.
   */
  private async makeFolder(dir: string): Promise<void> {
    let at = this.root;
    for (const part of relative(this.root, dir).split(sep).filter(Boolean)) {
      at = join(at, part);
      try {
        await mkdir(at, { mode: 0o700 });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        if (code === 'ENOENT' && at === join(this.root, part)) throw new EvidenceStoreGoneError();
        throw err;
      }
    }
  }

  /**
   * The name is taken: an earlier attempt stored this object (the ledger then takes it as
   * stored). That attempt may have stopped between its link and its chmod, so the object is
   * made read-only now (best effort: a file of another user's is not ours to change).
   */
  private async existing(key: string, final: string): Promise<EvidenceExistsError> {
    await chmod(final, 0o400).catch(() => {});
    return new EvidenceExistsError(key);
  }

  /** SHA-256 and size of a stored file, from one read of it. */
  private async readBack(path: string): Promise<{ sha256: string; size: number }> {
    const hash = createHash('sha256');
    let size = 0;
    await pipeline(
      createReadStream(path).on('data', (chunk: string | Buffer) => {
        size += chunk.length;
      }),
      hash,
    );
    return { sha256: hash.digest('hex'), size };
  }

  private async write(key: string, openSource: () => Readable): Promise<StoredObject> {
    const final = this.path(key);
    await this.makeFolder(dirname(final));
    const source = openSource();
    const temp = `${final}.partial-${process.pid}-${Date.now()}`;
    const hash = createHash('sha256');
    let size = 0;
    source.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    try {
      await pipeline(source, createWriteStream(temp, { flags: 'wx', mode: 0o600 }));
      const fh = await open(temp, 'r');
      await fh.sync();
      await fh.close();
      await link(temp, final).catch(async (err: NodeJS.ErrnoException) => {
        throw err.code === 'EEXIST' ? await this.existing(key, final) : err;
      });
    } finally {
      await unlink(temp).catch(() => {});
    }
    await chmod(final, 0o400);
    await syncDir(dirname(final));
    return { key, sha256: hash.digest('hex'), size };
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
