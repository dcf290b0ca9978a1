import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HASHED_PHONE_PREFIX, loadOrCreatePhoneHasher } from './phone-hasher.js';

const dirs: string[] = [];
const keyDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'phone-hasher-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('phone hasher', () => {
  it('gives the same hash for the same number under the same key, and never the number itself', async () => {
    const dir = await keyDir();
    const a = loadOrCreatePhoneHasher(dir)('+447911123456');
    expect(a).toMatch(new RegExp(`^${HASHED_PHONE_PREFIX}[0-9a-f]{64}$`));
    expect(a).not.toContain('7911123456');
    // A second load (a restart, or the CLI) reads the same key: a later search still matches.
    expect(loadOrCreatePhoneHasher(dir)('+447911123456')).toBe(a);
    expect(loadOrCreatePhoneHasher(dir)('+447911123457')).not.toBe(a);
  });

  it('another deployment’s key gives another hash, so a copy of the database alone cannot test numbers', async () => {
    const number = '+447911123456';
    expect(loadOrCreatePhoneHasher(await keyDir())(number)).not.toBe(
      loadOrCreatePhoneHasher(await keyDir())(number),
    );
  });

  it('leaves a value that is already hashed as it is', async () => {
    const hash = loadOrCreatePhoneHasher(await keyDir());
    expect(hash(hash('+447911123456'))).toBe(hash('+447911123456'));
  });
});
