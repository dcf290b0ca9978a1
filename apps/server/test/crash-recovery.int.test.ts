import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { syntheticCall } from '@sightline/testkit/caller';
import { officerApi } from '@sightline/testkit/officer';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from './harness.js';

const source = new RtpSource();
let server: Sightline | null = null;

afterAll(async () => {
  await server?.stop();
  await source.stop();
});

interface SealRow {
  recording_id: string;
  seq: number;
  file_name: string;
  offset: number;
  prefix_sha256: string;
  recovered: number;
}

describe('crash recovery', () => {
  it('after the server is killed mid-stream, the next start seals the unsealed tail, flags it recovered, and stores the recording', async () => {
    await source.start(ensureClip());
    const env = {
      SIGHTLINE_SEAL_INTERVAL_SECONDS: '2',
      SIGHTLINE_TRUST_PROXY: 'loopback',
      SIGHTLINE_LOG_LEVEL: 'warn',
    };
    server = await startSightline(env);
    const dataDir = server.dataDir;
    const api = await officerApi(server.url, 'handler');
    const call = await syntheticCall(server.url, api, source);
    const db = () => new Database(join(dataDir, 'sightline.db'), { readonly: true });
    const sealsNow = () => {
      const d = db();
      try {
        return d.prepare('select * from seals order by seq').all() as SealRow[];
      } finally {
        d.close();
      }
    };
    // Let a few seals land, then pull the plug between two ticks.
    await eventually(() => sealsNow().length >= 4, 20_000);
    await new Promise((r) => setTimeout(r, 1_000));
    await server.crash();
    call.hangUp();
    const beforeCrash = sealsNow();
    expect(beforeCrash.every((s) => s.recovered === 0)).toBe(true);

    server = await startSightline(env, { dataDir });
    const supervisor = await officerApi(server.url, 'supervisor');
    const recovered = await eventually(async () => {
      const a = await supervisor.request<{
        entries: Array<{ action: string; subjectId: string; detail: { recoveredBytes: number } }>;
      }>('GET', '/api/audit?action=evidence.recovered');
      return a.entries[0];
    }, 30_000);
    expect(recovered.detail.recoveredBytes).toBeGreaterThan(0);
    const recordingId = recovered.subjectId;

    const after = sealsNow().filter((s) => s.recording_id === recordingId);
    const tail = after.filter((s) => s.recovered === 1);
    expect(tail.length).toBeGreaterThan(0);
    expect(after.length).toBe(beforeCrash.filter((s) => s.recording_id === recordingId).length + tail.length);

    // The recording was stored, and every master equals its final (recovered) seal.
    const evidence = await eventually(async () => {
      const e = await supervisor.request<{
        items: Array<{ kind: string; fileName: string; sha256: string; size: number; id: string }>;
        recordings: Array<{ state: string; recovered: boolean }>;
      }>('GET', `/api/sessions/${call.sessionId}/evidence`);
      return e.recordings[0]?.state === 'stored' ? e : null;
    }, 30_000);
    expect(evidence.recordings[0]!.recovered).toBe(true);
    const masters = evidence.items.filter((i) => i.kind === 'master');
    expect(masters).toHaveLength(2);
    for (const m of masters) {
      const last = after.filter((s) => s.file_name === m.fileName).at(-1)!;
      expect(m.sha256).toBe(last.prefix_sha256);
      expect(m.size).toBe(Number(last.offset));
      const bytes = Buffer.from(
        await (await supervisor.raw('GET', `/api/evidence/${m.id}/content`)).arrayBuffer(),
      );
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(m.sha256);
    }
    expect(evidence.items.some((i) => i.kind === 'working-copy')).toBe(true);
  });
});
