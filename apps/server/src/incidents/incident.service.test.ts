import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExportJob } from '@sightline/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../adapters/db/database.js';
import { cryptoRandom, hashSecret } from '../adapters/random.js';
import { AuditService } from '../audit/audit.service.js';
import { ReadAudit } from '../audit/read-audit.js';
import type { DomainEventName } from '../events/domain-events.js';
import { LocationService } from '../location/location.service.js';
import { SessionRepository } from '../sessions/session.repository.js';
import { SessionService } from '../sessions/session.service.js';
import { IncidentRepository } from './incident.repository.js';
import { IncidentService } from './incident.service.js';

const officer = { type: 'officer' as const, id: 'o1', name: 'PC Jones' };

describe('IncidentService', () => {
  let dir: string;
  let db: Db;
  let audit: AuditService;
  let sessions: SessionService;
  let incidents: IncidentService;
  let published: Array<{ type: DomainEventName; payload: unknown }>;
  let exported: unknown[];
  let invited: Array<{ reference?: string | undefined }>;
  const clock = { t: 1_800_000_000_000, now: () => clock.t };

  const session = async (createdAt = clock.now()) => {
    const id = cryptoRandom.id();
    await db
      .insertInto('sessions')
      .values({
        id,
        phone_e164: '+447700900001',
        phone_masked: '07700 9•••01',
        state: 'live',
        created_by: 'o1',
        created_at: createdAt,
        expires_at: createdAt + 60_000,
        token_hash: hashSecret(id),
        publishing: 1,
      })
      .execute();
    return id;
  };
  const fix = (sessionId: string, lat: number, lon: number, at: number) =>
    db
      .insertInto('location_fixes')
      .values({
        session_id: sessionId,
        lat,
        lon,
        accuracy: 12,
        altitude: null,
        altitude_accuracy: null,
        heading: null,
        speed: null,
        fix_time: at,
        received_at: at,
      })
      .execute();
  const actions = async (subjectId: string) =>
    (await audit.list({ limit: 50, subjectId })).map((a) => a.action).reverse();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'incidents-'));
    db = openDatabase(`sqlite:${join(dir, 'db.sqlite')}`);
    await migrateToLatest(db);
    await db
      .insertInto('officers')
      .values({
        id: 'o1',
        username: 'o1',
        display_name: 'PC Jones',
        password_hash: 'x',
        roles: '[]',
        created_at: 1,
      })
      .execute();
    published = [];
    exported = [];
    invited = [];
    const events = {
      publish: (type: DomainEventName, payload: unknown) => published.push({ type, payload }),
    };
    audit = new AuditService(db, clock, cryptoRandom, null);
    sessions = new SessionService(
      new SessionRepository(db),
      new LocationService(db, clock, events),
      clock,
      cryptoRandom,
      audit,
      3_600_000,
      events,
    );
    incidents = new IncidentService({
      repo: new IncidentRepository(db),
      sessions,
      invites: {
        create: async (input, _o, _ip, _key, incidentId) => {
          invited.push(input);
          const id = await session();
          await db.updateTable('sessions').set({ incident_id: incidentId }).where('id', '=', id).execute();
          return { session: await sessions.summary(id), link: `https://x.test/j/${id}` };
        },
      },
      exports: {
        request: async (_o, p) => {
          exported.push(p);
          return { id: 'job-1', sessionIds: p.sessionIds } as ExportJob;
        },
      },
      audit,
      reads: new ReadAudit(audit, clock),
      clock,
      random: cryptoRandom,
      events,
    });
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates an incident with a trimmed CAD reference, audited and announced to every console', async () => {
    const first = await session();
    const inc = await incidents.create(
      { title: ' Fight outside the Red Lion ', cadReference: ' CAD 1234/30NOV ', sessionId: first },
      officer,
      '10.0.0.1',
    );
    expect(inc).toMatchObject({
      title: 'Fight outside the Red Lion',
      cadReference: 'CAD 1234/30NOV',
      createdBy: { id: 'o1', name: 'PC Jones' },
      closedAt: null,
      sessionIds: [first],
    });
    expect(await actions(inc.id)).toEqual(['incident.create']);
    expect(await actions(first)).toEqual(['incident.session_add']);
    expect(published.filter((e) => e.type === 'incident.updated').at(-1)?.payload).toEqual({ incident: inc });
    expect((await sessions.summary(first)).incidentId).toBe(inc.id);
  });

  it('moves a session from one incident to another: one move, audited with where it came from', async () => {
    const s = await session();
    const a = await incidents.create({ title: 'A', sessionId: s }, officer, null);
    const b = await incidents.create({ title: 'B' }, officer, null);
    await incidents.addSession(b.id, s, officer, null);
    await incidents.addSession(b.id, s, officer, null); // again: nothing more happens
    expect((await incidents.summary(a.id)).sessionIds).toEqual([]);
    expect((await incidents.summary(b.id)).sessionIds).toEqual([s]);
    const moves = await audit.list({ limit: 10, action: 'incident.session_move' });
    expect(moves).toHaveLength(1);
    expect(moves[0]!.detail).toMatchObject({ incidentId: b.id, from: a.id });
    // Both incidents' consoles hear of it.
    const announced = published
      .filter((e) => e.type === 'incident.updated')
      .map((e) => (e.payload as { incident: { id: string } }).incident.id);
    expect(announced.slice(-2).sort()).toEqual([a.id, b.id].sort());
    const types = (await sessions.detail(s)).timeline.map((e) => e.type);
    expect(types).toEqual(['incident.joined', 'incident.joined']);
  });

  it('removes a session from its incident, audited; a closed incident takes no more sessions', async () => {
    const s = await session();
    const inc = await incidents.create({ title: 'Crash on the A38', sessionId: s }, officer, null);
    expect((await incidents.removeSession(s, officer, null)).incidentId).toBeNull();
    expect(await actions(s)).toEqual(['incident.session_add', 'incident.session_remove']);
    await incidents.close(inc.id, officer, null);
    await expect(incidents.addSession(inc.id, s, officer, null)).rejects.toMatchObject({ code: 'conflict' });
    await expect(
      incidents.invite(
        inc.id,
        { phone: '07911123456', mode: 'video', language: 'en', locationMinutes: 120 },
        officer,
        null,
        null,
      ),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it('refuses an unknown incident or session with not_found, writing nothing', async () => {
    const s = await session();
    await expect(incidents.addSession(cryptoRandom.id(), s, officer, null)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      incidents.create({ title: 'X', sessionId: cryptoRandom.id() }, officer, null),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await incidents.list()).toEqual([]);
  });

  it('a link sent from the incident is born in it, and the addition is audited', async () => {
    const inc = await incidents.create({ title: 'Flood', cadReference: 'CAD 8/30NOV' }, officer, null);
    const { session: born } = await incidents.invite(
      inc.id,
      { phone: '07911123456', mode: 'video', language: 'en', locationMinutes: 120 },
      officer,
      null,
      null,
    );
    expect(born.incidentId).toBe(inc.id);
    // The link carries the incident's CAD reference when none was typed.
    expect(invited.map((i) => i.reference)).toEqual(['CAD 8/30NOV']);
    expect((await incidents.summary(inc.id)).sessionIds).toEqual([born.id]);
    const added = await audit.list({ limit: 5, action: 'incident.session_add' });
    expect(added[0]!.detail).toMatchObject({ incidentId: inc.id, via: 'invite' });
  });

  it("reads every caller's trail and one timeline merged by time, labelled by caller, audited", async () => {
    const one = await session(clock.now() - 10_000);
    const two = await session(clock.now() - 5_000);
    const inc = await incidents.create({ title: 'Two callers', sessionId: one }, officer, null);
    await incidents.addSession(inc.id, two, officer, null);
    await fix(one, 52.48, -1.9, clock.now() + 1);
    await fix(two, 52.49, -1.91, clock.now() + 2);
    await fix(one, 52.481, -1.901, clock.now() + 3);
    await sessions.addEvent(two, 'consent.accepted', 'caller', null, clock.now() + 100);
    await sessions.addEvent(one, 'media.published', 'caller', null, clock.now() + 200);
    await sessions.addEvent(two, 'media.published', 'caller', null, clock.now() + 300);

    const d = await incidents.detail(inc.id, officer, '10.0.0.2');
    expect(d.callers.map((c) => [c.label, c.session.id])).toEqual([
      ['Caller 1', one],
      ['Caller 2', two],
    ]);
    expect(d.callers[0]!.track.map((f) => f.lat)).toEqual([52.48, 52.481]);
    expect(d.callers[0]!.session.lastFix?.lat).toBe(52.481);
    expect(d.callers[1]!.track.map((f) => f.lat)).toEqual([52.49]);
    const tail = d.timeline.slice(-3).map((e) => `${e.label} ${e.event.type}`);
    expect(tail).toEqual([
      'Caller 2 consent.accepted',
      'Caller 1 media.published',
      'Caller 2 media.published',
    ]);
    const ats = d.timeline.map((e) => e.event.at);
    expect(ats).toEqual([...ats].sort((a, b) => a - b));
    expect(await actions(inc.id)).toEqual(['incident.create', 'incident.read']);
    // Each caller's own trail shows the incident page read their data.
    for (const id of [one, two]) expect((await actions(id)).at(-1)).toBe('incident.read');
  });

  it('exports every session of the incident in one package request, audited on the incident', async () => {
    const one = await session(clock.now() - 10_000);
    const two = await session();
    const inc = await incidents.create(
      { title: 'Export me', cadReference: 'CAD 9', sessionId: one },
      officer,
      null,
    );
    await incidents.addSession(inc.id, two, officer, null);
    await incidents.export(inc.id, 'Disclosure to CPS', officer, null);
    expect(exported).toEqual([
      expect.objectContaining({
        sessionIds: [one, two],
        kind: 'full',
        incident: expect.objectContaining({ id: inc.id, title: 'Export me', cadReference: 'CAD 9' }),
      }),
    ]);
    expect(await actions(inc.id)).toContain('incident.export');
    const empty = await incidents.create({ title: 'Empty' }, officer, null);
    await expect(incidents.export(empty.id, 'Disclosure', officer, null)).rejects.toMatchObject({
      code: 'conflict',
    });
  });
});
