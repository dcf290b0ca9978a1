import type { StorageStatus } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { storageNotice } from './storage-status.js';

const at = new Date(2026, 10, 29, 21, 40).getTime();
const ok = { state: 'ok' as const, since: at, message: null };

describe('storageNotice', () => {
  it('says nothing while storage is fine or unknown', () => {
    expect(storageNotice(null)).toBeNull();
    expect(storageNotice({ evidence: ok, spool: ok })).toBeNull();
  });

  it('names the full evidence store, since when, that nothing is lost, and who should act', () => {
    const status: StorageStatus = {
      evidence: {
        state: 'full',
        since: at,
        message: 'the evidence store is full (no space left on its disk)',
      },
      spool: ok,
    };
    const n = storageNotice(status)!;
    expect(n.title).toBe('Evidence cannot be saved.');
    expect(n.text).toContain('The evidence store is full (no space left on its disk) since 21:40.');
    expect(n.text).toContain('kept and saved once there is room');
    expect(n.text).toContain('system administrator');
  });

  it('a read-only spool is about receiving files', () => {
    const n = storageNotice({
      evidence: ok,
      spool: { state: 'read-only', since: at, message: "the server's spool (data directory) is read-only" },
    });
    expect(n?.title).toBe('Files cannot be received.');
  });
});
