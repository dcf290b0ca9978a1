import { createHash } from 'node:crypto';
import { chmod, chown, link, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EvidenceExistsError, EvidenceStoreGoneError } from './evidence-store.js';
import { LocalEvidenceStore } from './local-evidence-store.js';

describe('LocalEvidenceStore.putFile with adopt', () => {
  let dir: string;
  let store: LocalEvidenceStore;
  const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-store-'));
    await mkdir(join(dir, 'store'));
    store = new LocalEvidenceStore(join(dir, 'store'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('links a finished file into place with no copy, read-only, hashed as it is stored', async () => {
    const file = join(dir, 'rec-video-0.mjr');
    await writeFile(file, 'janus closed this file');
    const stored = await store.putFile('sessions/s1/r1/rec-video-0.mjr', file, { adopt: true });
    const at = join(dir, 'store/sessions/s1/r1/rec-video-0.mjr');
    expect(stored).toEqual({
      key: 'sessions/s1/r1/rec-video-0.mjr',
      sha256: sha('janus closed this file'),
      size: 22,
      readBack: true,
    });
    expect((await stat(at)).ino).toBe((await stat(file)).ino);
    expect((await stat(at)).mode & 0o777).toBe(0o400);
    // The spool's name goes away after ingest; the stored object stays whole.
    await rm(file);
    expect(await readFile(at, 'utf8')).toBe('janus closed this file');
  });

  it('copies when not asked to adopt, and says its hash is of the source as read (the ledger re-reads)', async () => {
    const file = join(dir, 'upload.bin');
    await writeFile(file, 'an upload');
    const stored = await store.putFile('k/upload.bin', file);
    expect(stored).toEqual({ key: 'k/upload.bin', sha256: sha('an upload'), size: 9 });
    expect((await stat(join(dir, 'store/k/upload.bin'))).ino).not.toBe((await stat(file)).ino);
  });

  it('copies a file another user owns: linked, its owner could still change the evidence', async () => {
    const file = join(dir, 'not-mine.mjr');
    await writeFile(file, 'owned by someone else');
    await chown(file, 4242, 4242); // the tests run as root (scripts/netns-run.sh)
    const stored = await store.putFile('k/not-mine.mjr', file, { adopt: true });
    const at = join(dir, 'store/k/not-mine.mjr');
    expect((await stat(at)).ino).not.toBe((await stat(file)).ino);
    expect((await stat(at)).uid).toBe(process.getuid?.());
    expect(stored.sha256).toBe(sha('owned by someone else'));
    expect(stored.readBack).toBeUndefined();
  });

  it('never replaces an object: adopting onto a key that exists fails and leaves it as it was', async () => {
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    await writeFile(first, 'the evidence');
    await writeFile(second, 'something else');
    await store.putFile('k/obj', first, { adopt: true });
    await expect(store.putFile('k/obj', second, { adopt: true })).rejects.toBeInstanceOf(EvidenceExistsError);
    expect(await readFile(join(dir, 'store/k/obj'), 'utf8')).toBe('the evidence');
  });

  it('never makes its own root again: with the directory gone (a volume not mounted) every put fails, and nothing is written', async () => {
    const file = join(dir, 'rec-audio-0.mjr');
    await writeFile(file, 'a closed master');
    await rm(join(dir, 'store'), { recursive: true });
    await expect(
      store.putFile('sessions/s1/r1/rec-audio-0.mjr', file, { adopt: true }),
    ).rejects.toBeInstanceOf(EvidenceStoreGoneError);
    await expect(store.putFile('sessions/s1/r1/copy.mjr', file)).rejects.toBeInstanceOf(
      EvidenceStoreGoneError,
    );
    await expect(store.putBytes('sessions/s1/track.json', Buffer.from('{}'))).rejects.toBeInstanceOf(
      EvidenceStoreGoneError,
    );
    await expect(stat(join(dir, 'store'))).rejects.toMatchObject({ code: 'ENOENT' });
    // Back in place, it takes writes again, making the folders below its root as before.
    await mkdir(join(dir, 'store'));
    expect((await store.putFile('sessions/s1/r1/rec-audio-0.mjr', file, { adopt: true })).size).toBe(15);
  });

  it('an object an earlier attempt left writable (stopped between its link and its chmod) is made read-only when found', async () => {
    const file = join(dir, 'rec-video-0.mjr');
    await writeFile(file, 'janus closed this file');
    await mkdir(join(dir, 'store/sessions/s1/r1'), { recursive: true });
    const at = join(dir, 'store/sessions/s1/r1/rec-video-0.mjr');
    await link(file, at); // linked, never made read-only
    expect((await stat(at)).mode & 0o777).toBe(0o644);
    await expect(
      store.putFile('sessions/s1/r1/rec-video-0.mjr', file, { adopt: true }),
    ).rejects.toBeInstanceOf(EvidenceExistsError);
    expect((await stat(at)).mode & 0o777).toBe(0o400);
    await chmod(at, 0o600);
    await expect(store.putFile('sessions/s1/r1/rec-video-0.mjr', file)).rejects.toBeInstanceOf(
      EvidenceExistsError,
    );
    expect((await stat(at)).mode & 0o777).toBe(0o400);
  });
});
