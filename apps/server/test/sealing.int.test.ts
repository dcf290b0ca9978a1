import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { syntheticCall } from '@sightline/testkit/caller';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealGenesis, sealHash } from '../src/evidence/seal-chain.js';
import { eventually, jsonApi, signIn, startServer, type TestServer } from './harness.js';

let s: TestServer;
const source = new RtpSource();

beforeAll(async () => {
  await source.start(ensureClip());
  s = await startServer({ env: { SIGHTLINE_SEAL_INTERVAL_SECONDS: '1', SIGHTLINE_TRUST_PROXY: 'loopback' } });
});
afterAll(async () => {
  await s?.close();
  await source.stop();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('sealing as the recording arrives', () => {
  it('seals each growing .mjr at least every interval, as a hash chain that matches the bytes on disk and the stored master', async () => {
    const api = jsonApi(await signIn(s, ['call-handler']));
    const call = await syntheticCall(s.url, api, source);
    await eventually(async () => (await s.c.sessions.summary(call.sessionId)).publishing);
    const [rec] = await s.c.evidence.recordings(call.sessionId);
    const spool = s.c.recordings.spoolFor(call.sessionId);

    // While the stream runs: several seals per file, offsets growing, each prefix hash true to the file.
    await eventually(async () => (await seals(rec!.id)).length >= 6, 20_000);
    const live = await seals(rec!.id);
    for (const file of ['audio', 'video']) {
      const mine = live.filter((x) => x.file_name.includes(`-${file}-`));
      expect(mine.length, file).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < mine.length; i++)
        expect(Number(mine[i]!.offset)).toBeGreaterThan(Number(mine[i - 1]!.offset));
      const onDisk = readdirSync(spool).find((n) => n.startsWith(mine[0]!.file_name));
      const bytes = readFileSync(join(spool, onDisk!));
      for (const seal of mine) expect(sha(bytes.subarray(0, Number(seal.offset)))).toBe(seal.prefix_sha256);
    }
    expect(live.every((x) => x.recovered === 0)).toBe(true);

    call.hangUp();
    await s.c.sessions.end(call.sessionId, 'test', { type: 'system' });
    await eventually(
      async () => (await s.c.evidence.recordings(call.sessionId))[0]?.state === 'stored',
      30_000,
    );

    // The chain links from the recording's genesis, every hash recomputes.
    const all = await seals(rec!.id);
    let prev = sealGenesis(rec!.id);
    for (const x of all) {
      expect(x.prev_hash).toBe(prev);
      expect(
        sealHash({
          recordingId: rec!.id,
          seq: x.seq,
          fileName: x.file_name,
          offset: Number(x.offset),
          prefixSha256: x.prefix_sha256,
          at: Number(x.at),
          recovered: x.recovered === 1,
          prevHash: x.prev_hash,
        }),
      ).toBe(x.hash);
      prev = x.hash;
    }
    // Each stored master is exactly what its last seal covered.
    const masters = (await s.c.evidence.list(call.sessionId)).filter((i) => i.kind === 'master');
    expect(masters).toHaveLength(2);
    for (const m of masters) {
      const last = all.filter((x) => x.file_name === m.fileName).at(-1)!;
      expect(m.sha256).toBe(last.prefix_sha256);
      expect(m.size).toBe(Number(last.offset));
    }
    const [stored] = await s.c.evidence.recordings(call.sessionId);
    expect(stored!.seals).toBe(all.length);
    expect(stored!.mediaStartedAt).toBeGreaterThan(stored!.startedAt - 1000);
  });
});

function seals(recordingId: string) {
  return s.c.db
    .selectFrom('seals')
    .selectAll()
    .where('recording_id', '=', recordingId)
    .orderBy('seq')
    .execute();
}
