import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../config/config.js';
import { systemClock } from '../clock.js';
import { openEvidenceStore } from './open-evidence-store.js';

describe('openEvidenceStore (local directory)', () => {
  let dir: string;
  const config = (evidenceDir: string) =>
    ({ evidenceStore: { kind: 'local' }, evidenceDir }) as unknown as Config;
  const holds = (yes: boolean) => async () => yes;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'open-store-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('makes the directory of a new deployment (nothing held yet)', async () => {
    const evidence = join(dir, 'evidence');
    await openEvidenceStore(config(evidence), systemClock, holds(false));
    expect((await stat(evidence)).isDirectory()).toBe(true);
  });

  it('refuses to start when the directory is missing but the database holds evidence (a volume not mounted), and makes nothing', async () => {
    const evidence = join(dir, 'mnt', 'evidence');
    await mkdir(join(dir, 'mnt')); // the empty mount point
    await expect(openEvidenceStore(config(evidence), systemClock, holds(true))).rejects.toThrow(
      /evidence directory .* is missing, but the database lists evidence stored in it: is its volume mounted\?/,
    );
    await expect(stat(evidence)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('opens a directory that is there, whatever the database holds', async () => {
    const evidence = join(dir, 'evidence');
    await mkdir(evidence);
    const store = await openEvidenceStore(config(evidence), systemClock, holds(true));
    expect(store.kind).toBe('local');
  });
});
