import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../adapters/clock.js';
import { cryptoRandom } from '../adapters/random.js';
import { LocalEvidenceStore } from '../adapters/storage/local-evidence-store.js';
import type { AuditService } from '../audit/audit.service.js';
import type { EvidenceRepository } from './evidence.repository.js';
import { EvidenceLedger } from './evidence-ledger.js';

describe('EvidenceLedger.storeVerified', () => {
  let dir: string;
  let store: LocalEvidenceStore;
  let ledger: EvidenceLedger;
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-'));
    await mkdir(join(dir, 'store'));
    store = new LocalEvidenceStore(join(dir, 'store'));
    // storeVerified touches only the store; the record side is not under test here.
    ledger = new EvidenceLedger(
      store,
      {} as EvidenceRepository,
      {} as AuditService,
      systemClock,
      cryptoRandom,
    );
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('takes an object an interrupted earlier attempt stored as stored, by its own hash, instead of failing for ever', async () => {
    const bytes = Buffer.from('master bytes from the first attempt');
    const file = join(dir, 'a.mjr');
    await writeFile(file, bytes);
    // The first attempt: stored, then the process died before the database write.
    await store.putFile('sessions/s1/r1/a.mjr', file);
    const again = await ledger.storeVerified('sessions/s1/r1/a.mjr', () =>
      store.putFile('sessions/s1/r1/a.mjr', file),
    );
    expect(again).toEqual({ key: 'sessions/s1/r1/a.mjr', sha256: sha(bytes), size: bytes.length });
  });

  it('reports the bytes actually stored, so a caller with an expected hash still sees a difference', async () => {
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    await writeFile(first, 'what was stored');
    await writeFile(second, 'what we meant to store now');
    await store.putFile('k/obj', first);
    const again = await ledger.storeVerified('k/obj', () => store.putFile('k/obj', second));
    expect(again.sha256).toBe(sha(Buffer.from('what was stored')));
    expect(again.sha256).not.toBe(sha(Buffer.from('what we meant to store now')));
  });

  it('re-reads a copied object from the store, and refuses one whose stored bytes differ from what was read', async () => {
    const file = join(dir, 'upload');
    await writeFile(file, 'the upload');
    const rereads: string[] = [];
    const hash = store.hash.bind(store);
    store.hash = async (key) => {
      rereads.push(key);
      return key === 'k/bad' ? sha(Buffer.from('flipped on the way to disk')) : hash(key);
    };
    await ledger.storeVerified('k/good', () => store.putFile('k/good', file));
    expect(rereads).toEqual(['k/good']);
    await expect(ledger.storeVerified('k/bad', () => store.putFile('k/bad', file))).rejects.toThrow(
      /returned different bytes for k\/bad/,
    );
  });

  it("takes an adopted object's read-back as the check, with no second read of the same bytes", async () => {
    const file = join(dir, 'rec-video-0.mjr');
    await writeFile(file, 'closed by janus');
    let rereads = 0;
    const hash = store.hash.bind(store);
    store.hash = async (key) => {
      rereads++;
      return hash(key);
    };
    const stored = await ledger.storeVerified('s/r/rec-video-0.mjr', () =>
      store.putFile('s/r/rec-video-0.mjr', file, { adopt: true }),
    );
    expect(rereads).toBe(0);
    expect(stored.sha256).toBe(sha(Buffer.from('closed by janus')));
  });

  it('still fails on any other storage error', async () => {
    await expect(
      ledger.storeVerified('k/missing', () => store.putFile('k/missing', join(dir, 'no-such-file'))),
    ).rejects.toThrow(/ENOENT/);
  });
});
