import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ExportJob, IncidentDetail, IncidentSummary, SessionSummary } from '@sightline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestBody } from '../src/evidence/export/manifest.js';
import { verifyPackage } from '../src/evidence/export/verify-package.js';
import {
  addFix,
  eventually,
  expectJson,
  invite,
  type OfficerClient,
  openLink,
  signIn,
  startServer,
  type TestServer,
  TestSocket,
} from './harness.js';
import { readZip } from './zip-tools.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../bin/sightline.js');
const work = mkdtempSync(join(tmpdir(), 'incidents-test-'));
let s: TestServer;
let handler: OfficerClient;
let supervisor: OfficerClient;
let dpo: OfficerClient;
let admin: OfficerClient;
let field: OfficerClient;

beforeAll(async () => {
  s = await startServer();
  handler = await signIn(s, ['call-handler']);
  supervisor = await signIn(s, ['supervisor']);
  dpo = await signIn(s, ['dpo']);
  admin = await signIn(s, ['admin']);
  field = await signIn(s, ['field-officer']);
});
afterAll(() => s?.close());

const json = expectJson;
const create = (o: OfficerClient, body: Record<string, unknown>) =>
  json<IncidentSummary>(o.request('POST', '/api/incidents', body), 201);
const actions = async (subjectId: string) =>
  (await s.c.audit.list({ limit: 100, subjectId })).map((a) => a.action).reverse();
type ExtractEntry = { seq: number; action: string; subject_type: string | null; subject_id: string | null };
/** The entries of a package's audit-extract.json. */
const auditExtract = (files: Map<string, Buffer>): ExtractEntry[] =>
  (
    JSON.parse(files.get([...files.keys()].find((n) => n.endsWith('/audit-extract.json'))!)!.toString()) as {
      entries: ExtractEntry[];
    }
  ).entries;
/** Exports sessions as one package and opens it. */
async function exportZip(sessionIds: string[], name: string): Promise<Map<string, Buffer>> {
  const job = await json<ExportJob>(
    supervisor.request('POST', '/api/exports', { sessionIds, reason: 'Disclosure check' }),
    202,
  );
  await eventually(async () => {
    const j = await json<ExportJob>(supervisor.request('GET', `/api/exports/${job.id}`));
    if (j.state === 'failed') throw new Error(j.error ?? 'export failed');
    return j.state === 'done';
  }, 60_000);
  const res = await supervisor.request('GET', `/api/exports/${job.id}/download`);
  expect(res.status).toBe(200);
  const path = join(work, name);
  writeFileSync(path, Buffer.from(await res.arrayBuffer()));
  return readZip(path);
}
const fix = (sessionId: string, lat: number, lon: number, accuracy: number) =>
  addFix(s, sessionId, lat, lon, accuracy);

describe('incidents', () => {
  it('creates an incident with a CAD reference (checked printable and short), audited, and tells every console', async () => {
    const watcher = await TestSocket.open(`${s.wsUrl}/ws/console`, dpo.cookie);
    const bad = await handler.request('POST', '/api/incidents', {
      title: 'Crash',
      cadReference: 'CAD\u0007 1',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { fields: Record<string, string> } }).error.fields).toHaveProperty(
      'cadReference',
    );
    expect((await handler.request('POST', '/api/incidents', { title: 'x'.repeat(121) })).status).toBe(400);

    const inc = await create(handler, {
      title: '  Fight on Broad Street ',
      cadReference: ' CAD 1234/30NOV ',
    });
    expect(inc).toMatchObject({
      title: 'Fight on Broad Street',
      cadReference: 'CAD 1234/30NOV',
      sessionIds: [],
    });
    const heard = await watcher.next((m) => m.type === 'incident.updated');
    expect(heard).toMatchObject({ incident: { id: inc.id, title: 'Fight on Broad Street' } });
    watcher.close();
    expect(await actions(inc.id)).toEqual(['incident.create']);
    const listed = await json<{ incidents: IncidentSummary[] }>(dpo.request('GET', '/api/incidents'));
    expect(listed.incidents.map((i) => i.id)).toContain(inc.id);
  });

  it('adds a session, moves it to another incident (audited with where from), and takes it out', async () => {
    const { sessionId } = await invite(s, handler);
    const a = await create(handler, { title: 'First', sessionId });
    const b = await create(handler, { title: 'Second' });
    expect(a.sessionIds).toEqual([sessionId]);
    const moved = await json<IncidentSummary>(
      supervisor.request('POST', `/api/incidents/${b.id}/sessions`, { sessionId }),
    );
    expect(moved.sessionIds).toEqual([sessionId]);
    expect((await s.c.incidents.summary(a.id)).sessionIds).toEqual([]);
    const { session } = await json<{ session: SessionSummary }>(
      handler.request('GET', `/api/sessions/${sessionId}`),
    );
    expect(session.incidentId).toBe(b.id);
    const removed = await json<{ session: SessionSummary }>(
      handler.request('DELETE', `/api/sessions/${sessionId}/incident`),
    );
    expect(removed.session.incidentId).toBeNull();
    const trail = await s.c.audit.list({ limit: 100, subjectId: sessionId });
    const byAction = (x: string) => trail.find((e) => e.action === x);
    expect(byAction('incident.session_add')?.detail).toMatchObject({ incidentId: a.id, from: null });
    expect(byAction('incident.session_move')?.detail).toMatchObject({ incidentId: b.id, from: a.id });
    expect(byAction('incident.session_remove')?.detail).toMatchObject({ incidentId: b.id });
    expect(byAction('incident.session_move')?.actorId).toBe(supervisor.id);
  });

  it('sends a further link from the incident: the new session is born in it, audited', async () => {
    const inc = await create(handler, { title: 'Flooding' });
    const res = await json<{ session: SessionSummary; link: string }>(
      handler.request('POST', `/api/incidents/${inc.id}/invites`, { phone: '07700 900555' }),
      201,
    );
    expect(res.session.incidentId).toBe(inc.id);
    expect((await s.c.incidents.summary(inc.id)).sessionIds).toEqual([res.session.id]);
    const created = (await s.c.audit.list({ limit: 50, subjectId: res.session.id })).find(
      (e) => e.action === 'invite.create',
    );
    expect(created?.detail).toMatchObject({ incidentId: inc.id });
    expect(await actions(res.session.id)).toContain('incident.session_add');
    // A closed incident sends no more links.
    await json(handler.request('POST', `/api/incidents/${inc.id}/close`), 200);
    const refused = await handler.request('POST', `/api/incidents/${inc.id}/invites`, {
      phone: '07700 900556',
    });
    expect(refused.status).toBe(409);
  });

  it("reads every caller's position and trail, and one timeline merged in time order, labelled by caller (audited)", async () => {
    const one = await invite(s, handler, '07700 900111');
    const two = await invite(s, handler, '07700 900222');
    const inc = await create(handler, { title: 'Two callers', sessionId: one.sessionId });
    await json(handler.request('POST', `/api/incidents/${inc.id}/sessions`, { sessionId: two.sessionId }));
    // The second caller opens their link first, then the first.
    expect((await openLink(s, two.token)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 5));
    expect((await openLink(s, one.token)).status).toBe(200);
    await s.c.sessions.recordConsent(one.sessionId, 'accepted', null);
    await s.c.sessions.recordConsent(two.sessionId, 'accepted', null);
    await fix(one.sessionId, 52.4797, -1.9027, 8);
    await fix(two.sessionId, 52.4812, -1.8991, 15);
    await fix(one.sessionId, 52.4799, -1.903, 6);

    const d = await json<IncidentDetail>(dpo.request('GET', `/api/incidents/${inc.id}`));
    expect(d.callers.map((c) => [c.label, c.session.id])).toEqual([
      ['Caller 1', one.sessionId],
      ['Caller 2', two.sessionId],
    ]);
    expect(d.callers[0]!.track.map((f) => [f.lat, f.lon])).toEqual([
      [52.4797, -1.9027],
      [52.4799, -1.903],
    ]);
    expect(d.callers[0]!.session.lastFix).toMatchObject({ lat: 52.4799, accuracy: 6 });
    expect(d.callers[1]!.session.lastFix).toMatchObject({ lat: 52.4812, accuracy: 15 });
    const at = d.timeline.map((e) => e.event.at);
    expect(at).toEqual([...at].sort((x, y) => x - y));
    const opened = d.timeline.filter((e) => e.event.type === 'link.opened').map((e) => e.label);
    expect(opened).toEqual(['Caller 2', 'Caller 1']);
    expect(new Set(d.timeline.map((e) => e.sessionId))).toEqual(new Set([one.sessionId, two.sessionId]));
    const read = (await s.c.audit.list({ limit: 20, subjectId: inc.id })).find(
      (e) => e.action === 'incident.read',
    );
    expect(read?.actorId).toBe(dpo.id);
  });

  it('lets each role do only what the permissions table says', async () => {
    const { sessionId } = await invite(s, handler);
    const inc = await create(supervisor, { title: 'Roles' });
    expect((await dpo.request('POST', '/api/incidents', { title: 'DPO may not' })).status).toBe(403);
    expect((await dpo.request('POST', `/api/incidents/${inc.id}/sessions`, { sessionId })).status).toBe(403);
    expect((await dpo.request('GET', `/api/incidents/${inc.id}`)).status).toBe(200);
    expect((await admin.request('GET', `/api/incidents/${inc.id}`)).status).toBe(403);
    expect(
      (await handler.request('POST', `/api/incidents/${inc.id}/exports`, { reason: 'not mine to export' }))
        .status,
    ).toBe(403);
    const unknown = await handler.request('GET', '/api/incidents/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
  });

  it('exports every session of the incident as one signed package, a folder each, that verify-package accepts', async () => {
    const one = await invite(s, handler, '07700 900333');
    const two = await invite(s, handler, '07700 900444');
    const inc = await create(handler, {
      title: 'Export me',
      cadReference: 'CAD 55/30NOV',
      sessionId: one.sessionId,
    });
    await json(handler.request('POST', `/api/incidents/${inc.id}/sessions`, { sessionId: two.sessionId }));
    await fix(one.sessionId, 51.5, -0.12, 9);
    // History the package must carry: a caller added and taken out again, a share of one session
    // and one of the incident (both revoked), the incident page read, and the incident closed.
    const three = await invite(s, handler, '07700 900555');
    await json(handler.request('POST', `/api/incidents/${inc.id}/sessions`, { sessionId: three.sessionId }));
    await json(handler.request('DELETE', `/api/sessions/${three.sessionId}/incident`));
    const shareOf = async (path: string) => {
      const body = { officerIds: [field.id], durationSeconds: 3600 };
      const sh = (await json<{ shares: Array<{ id: string }> }>(handler.request('POST', path, body), 201))
        .shares[0]!;
      await json(handler.request('POST', `/api/shares/${sh.id}/revoke`));
      return sh.id;
    };
    const sessionShare = await shareOf(`/api/sessions/${one.sessionId}/shares`);
    const incidentShare = await shareOf(`/api/incidents/${inc.id}/shares`);
    await json(dpo.request('GET', `/api/incidents/${inc.id}`));
    // The page showed both callers: the read is on each session's own trail too.
    for (const id of [one.sessionId, two.sessionId]) expect(await actions(id)).toContain('incident.read');
    expect(await actions(three.sessionId)).not.toContain('incident.read');
    await json(handler.request('POST', `/api/incidents/${inc.id}/close`));

    const job = await json<ExportJob>(
      supervisor.request('POST', `/api/incidents/${inc.id}/exports`, { reason: 'CPS file request 77' }),
      202,
    );
    expect(job).toMatchObject({ incidentId: inc.id, sessionIds: [one.sessionId, two.sessionId] });
    await eventually(async () => {
      const j = await json<ExportJob>(supervisor.request('GET', `/api/exports/${job.id}`));
      if (j.state === 'failed') throw new Error(j.error ?? 'export failed');
      return j.state === 'done';
    }, 60_000);
    const res = await supervisor.request('GET', `/api/exports/${job.id}/download`);
    expect(res.status).toBe(200);
    const zipPath = join(work, 'incident.zip');
    writeFileSync(zipPath, Buffer.from(await res.arrayBuffer()));

    const v = await verifyPackage(zipPath, s.c.signer.publicKeyPem);
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    const keyFile = join(work, 'force-key.pub.pem');
    writeFileSync(keyFile, s.c.signer.publicKeyPem);
    const { stdout } = await run('node', [CLI, 'evidence', 'verify', zipPath, '--public-key', keyFile]);
    expect(stdout).toMatch(/^VERIFIED/m);

    const files = await readZip(zipPath);
    const names = [...files.keys()];
    expect(names[0]).toMatch(/^SIGHTLINE-INCIDENT-\d{8}-/);
    const folders = new Set(names.map((n) => /\/sessions\/([^/]+)\//.exec(n)?.[1]).filter(Boolean));
    expect([...folders].sort()).toEqual(
      [one.sessionId, two.sessionId].map((id) => `CAD_1_28NOV_${id.slice(0, 8)}`).sort(),
    );
    const manifest = JSON.parse(
      files.get(names.find((n) => n.endsWith('/manifest.json'))!)!.toString(),
    ) as ManifestBody;
    expect(manifest.incident).toMatchObject({ id: inc.id, title: 'Export me', cadReference: 'CAD 55/30NOV' });
    expect(manifest.sessions.map((x) => x.id)).toEqual([one.sessionId, two.sessionId]);

    const trail = auditExtract(files);
    const about = (subjectId: string) => trail.filter((e) => e.subject_id === subjectId).map((e) => e.action);
    // (incident.export is written as the job is queued: it may be in the package or not.)
    expect(about(inc.id).filter((a) => a !== 'incident.export')).toEqual([
      'incident.create',
      'incident.read',
      'incident.close',
    ]);
    expect(about(three.sessionId)).toEqual(['incident.session_add', 'incident.session_remove']);
    expect(about(two.sessionId)).toEqual(expect.arrayContaining(['incident.session_add', 'incident.read']));
    expect(about(one.sessionId)).toContain('incident.read');
    expect(about(sessionShare)).toEqual(['share.created', 'share.revoked']);
    expect(about(incidentShare)).toEqual(['share.created', 'share.revoked']);
    // An incident share is in both sessions' dossiers, and in the extract once.
    expect(new Set(trail.map((e) => e.seq)).size).toBe(trail.length);

    expect(await actions(inc.id)).toContain('incident.export');
    for (const id of [one.sessionId, two.sessionId]) expect(await actions(id)).toContain('export.request');
    const done = (await s.c.audit.list({ limit: 5, action: 'export.complete' }))[0];
    expect(done?.detail).toMatchObject({ incidentId: inc.id });

    // One session's own package says who it was shared with: here through its incident only.
    const single = await exportZip([two.sessionId], 'two.zip');
    const shares = auditExtract(single).filter((e) => e.subject_type === 'share');
    expect(shares.map((e) => [e.subject_id, e.action])).toEqual([
      [incidentShare, 'share.created'],
      [incidentShare, 'share.revoked'],
    ]);
  });
});
