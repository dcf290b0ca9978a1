import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPackage } from '../src/evidence/export/verify-package.js';
import { eventually, type OfficerClient, signIn, startServer, type TestServer } from './harness.js';
import { recordedSession } from './recorded-session.js';
import { readZip } from './zip-tools.js';

const source = new RtpSource();
const work = mkdtempSync(join(tmpdir(), 'export-resume-'));
let s: TestServer;
let supervisor: OfficerClient;
let sessionId: string;

beforeAll(async () => {
  await source.start(ensureClip());
  s = await startServer({ env: { SIGHTLINE_SEAL_INTERVAL_SECONDS: '1', SIGHTLINE_TRUST_PROXY: 'loopback' } });
  sessionId = await recordedSession(s, await signIn(s, ['call-handler']), source, 3);
  supervisor = await signIn(s, ['supervisor', 'dpo']);
}, 120_000);
afterAll(async () => {
  await s?.close();
  await source.stop();
});

async function finished(jobId: string): Promise<string> {
  await eventually(async () => {
    const j = (await (await supervisor.request('GET', `/api/exports/${jobId}`)).json()) as {
      state: string;
      error: string | null;
    };
    if (j.state === 'failed') throw new Error(j.error ?? 'failed');
    return j.state === 'done';
  }, 60_000);
  const file = join(work, `${jobId}.zip`);
  writeFileSync(
    file,
    Buffer.from(await (await supervisor.request('GET', `/api/exports/${jobId}/download`)).arrayBuffer()),
  );
  return file;
}

describe('export jobs', () => {
  it('resume after an interruption, keeping files already staged and replacing any that are wrong', async () => {
    s.c.jobs.stop();
    const res = await supervisor.request('POST', '/api/exports', {
      sessionIds: [sessionId],
      reason: 'resume test export',
    });
    const job = (await res.json()) as { id: string; state: string };
    expect(job.state).toBe('queued');
    // As if the server died half-way: marked running, one file staged correctly, one truncated.
    await s.c.db.updateTable('jobs').set({ state: 'running' }).where('id', '=', job.id).execute();
    const items = await s.c.evidence.list(sessionId);
    const master = items.find((i) => i.kind === 'master')!;
    const staging = join(s.dataDir, 'work', 'exports', job.id, 'staging');
    const dir = join(staging, `sessions/SYNTHETIC_${sessionId.slice(0, 8)}`);
    mkdirSync(join(dir, 'masters', master.recordingId!), { recursive: true });
    writeFileSync(
      join(dir, 'masters', master.recordingId!, master.fileName),
      Buffer.from('truncated by a crash'),
    );

    await s.c.jobs.start();
    const zip = await finished(job.id);
    const v = await verifyPackage(zip, s.c.signer.publicKeyPem);
    expect(v.problems).toEqual([]);
  });

  it('a subject-access package holds the redacted copy and the subject’s own data, never masters or unredacted video', async () => {
    const working = (await s.c.evidence.list(sessionId)).find((i) => i.kind === 'working-copy')!;
    const r = (await (
      await supervisor.request('POST', `/api/evidence/${working.id}/redactions`, {
        regions: [{ x: 0.1, y: 0.1, width: 0.2, height: 0.2, from: 0, to: 2 }],
        mute: [],
        reason: 'SAR: blur bystander',
      })
    ).json()) as { id: string };
    await eventually(
      async () =>
        ((await (await supervisor.request('GET', `/api/redactions/${r.id}`)).json()) as { state: string })
          .state === 'done',
      90_000,
    );
    const job = (await (
      await supervisor.request('POST', '/api/exports', {
        sessionIds: [sessionId],
        reason: 'SAR 2026/9 response',
        kind: 'sar',
      })
    ).json()) as { id: string };
    const zip = await finished(job.id);
    const names = [...(await readZip(zip)).keys()];
    expect(names.some((n) => n.includes('/redacted/REDACTED_'))).toBe(true);
    expect(names.some((n) => n.includes('/location/'))).toBe(true);
    expect(
      names.some((n) => n.endsWith('.mjr') || n.includes('/working-copies/') || n.includes('audit-extract')),
    ).toBe(false);
    expect((await verifyPackage(zip, s.c.signer.publicKeyPem)).ok).toBe(true);
  });
});
