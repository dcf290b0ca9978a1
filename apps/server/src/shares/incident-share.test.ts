import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../adapters/db/database.js';
import { cryptoRandom, hashSecret } from '../adapters/random.js';
import { AuditService } from '../audit/audit.service.js';
import { ReadAudit } from '../audit/read-audit.js';
import type { DomainEventName } from '../events/domain-events.js';
import { IncidentRepository } from '../incidents/incident.repository.js';
import { LocationService } from '../location/location.service.js';
import { SessionRepository } from '../sessions/session.repository.js';
import { SessionService } from '../sessions/session.service.js';
import { ShareRepository } from './share.repository.js';
import { ShareService } from './share.service.js';

const handler = { type: 'officer' as const, id: 'h1', name: 'PC Handler' };
const field = { type: 'officer' as const, id: 'f1', name: 'PC Field' };
const fix = {
  lat: 51.5,
  lon: -0.12,
  accuracy: 8,
  altitude: null,
  altitudeAccuracy: null,
  heading: null,
  speed: null,
  fixTime: 1,
};

describe('incident shares', () => {
  let dir: string;
  let db: Db;
  let audit: AuditService;
  let shares: ShareService;
  let published: Array<{ type: DomainEventName; payload: Record<string, unknown> }>;
  const clock = { t: 1_800_000_000_000, now: () => clock.t };

  const officer = (id: string, name: string, roles: string[]) =>
    db
      .insertInto('officers')
      .values({
        id,
        username: id,
        display_name: name,
        password_hash: 'x',
        roles: JSON.stringify(roles),
        created_at: 1,
      })
      .execute();
  const session = async (incidentId: string | null) => {
    const id = cryptoRandom.id();
    clock.t += 1;
    await db
      .insertInto('sessions')
      .values({
        id,
        phone_e164: '+447700900001',
        phone_masked: '07700 9•••01',
        state: 'live',
        created_by: 'h1',
        created_at: clock.now(),
        expires_at: clock.now() + 3_600_000,
        token_hash: hashSecret(id),
        publishing: 1,
        incident_id: incidentId,
      })
      .execute();
    return id;
  };
  const incident = async (closed = false) => {
    const id = cryptoRandom.id();
    await db
      .insertInto('incidents')
      .values({
        id,
        title: 'Fight on High St',
        cad_reference: 'CAD 7',
        created_by: 'h1',
        created_at: 1,
        closed_at: closed ? 2 : null,
      })
      .execute();
    return id;
  };
  const move = (sessionId: string, incidentId: string | null) =>
    db.updateTable('sessions').set({ incident_id: incidentId }).where('id', '=', sessionId).execute();
  const entries = async (subjectId: string) =>
    (await audit.list({ limit: 50, subjectId }))
      .reverse()
      .map((a) => ({ action: a.action, detail: a.detail }));

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'incident-shares-'));
    db = openDatabase(`sqlite:${join(dir, 'db.sqlite')}`);
    await migrateToLatest(db);
    await officer('h1', 'PC Handler', ['call-handler']);
    await officer('f1', 'PC Field', ['field-officer']);
    published = [];
    const events = {
      publish: (type: DomainEventName, payload: unknown) =>
        published.push({ type, payload: payload as Record<string, unknown> }),
    };
    audit = new AuditService(db, clock, cryptoRandom, null);
    const reads = new ReadAudit(audit, clock);
    const sessions = new SessionService(
      new SessionRepository(db),
      new LocationService(db, clock, events),
      clock,
      cryptoRandom,
      audit,
      3_600_000,
      events,
    );
    shares = new ShareService(
      new ShareRepository(db),
      db,
      sessions,
      new IncidentRepository(db),
      audit,
      reads,
      clock,
      cryptoRandom,
      events,
      300,
    );
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('covers the sessions in the incident at each use: one added later yes, one taken out no', async () => {
    const inc = await incident();
    const [a, b] = [await session(inc), await session(inc)];
    const [share] = await shares.create({ incidentId: inc }, ['f1'], 600, handler, null);
    expect(share).toMatchObject({ incidentId: inc, sessionId: null, officer: { name: 'PC Field' } });
    expect((await shares.use(field, a, null))?.id).toBe(share!.id);
    expect((await shares.use(field, b, null))?.id).toBe(share!.id);
    const later = await session(inc);
    expect((await shares.use(field, later, null))?.id).toBe(share!.id);
    await move(b, null);
    expect(await shares.use(field, b, null)).toBeNull();
    // A session never in the incident is not covered.
    expect(await shares.use(field, await session(null), null)).toBeNull();
  });

  it('audits creation, opening, each session used, and revocation; revoking ends every session', async () => {
    const inc = await incident();
    const [a, b] = [await session(inc), await session(inc)];
    const [share] = await shares.create({ incidentId: inc }, ['f1'], 600, handler, '10.0.0.1');
    const opened = await shares.open(share!.id, field, null);
    expect(opened.session).toBeNull();
    expect(opened.incident?.callers.map((c) => [c.label, c.session.id])).toEqual([
      ['Caller 1', a],
      ['Caller 2', b],
    ]);
    await shares.use(field, a, null);
    await shares.use(field, b, null);
    await shares.use(field, a, null); // a repeat within minutes is the same read
    await shares.revoke(share!.id, handler, null);
    expect(await shares.use(field, a, null)).toBeNull();
    expect(await shares.use(field, b, null)).toBeNull();
    const trail = await entries(share!.id);
    expect(trail.map((e) => e.action)).toEqual([
      'share.created',
      'share.opened',
      'share.used',
      'share.used',
      'share.revoked',
    ]);
    expect(trail[0]!.detail).toMatchObject({ incidentId: inc, officerId: 'f1', durationSeconds: 600 });
    expect(trail.slice(2, 4).map((e) => e.detail)).toEqual([
      { sessionId: a, incidentId: inc },
      { sessionId: b, incidentId: inc },
    ]);
    expect(trail[4]!.detail).toMatchObject({ incidentId: inc, reason: 'revoked' });
    const ended = published.filter((e) => e.type === 'share.changed').at(-1)!.payload;
    expect(ended).toMatchObject({
      shareId: share!.id,
      sessionId: null,
      incidentId: inc,
      endReason: 'revoked',
    });
  });

  it('expires an incident share like a session share, audited once', async () => {
    const inc = await incident();
    const [share] = await shares.create({ incidentId: inc }, ['f1'], 600, handler, null);
    clock.t += 600_000;
    expect(await shares.expireDue()).toBe(1);
    expect(await shares.expireDue()).toBe(0);
    expect((await entries(share!.id)).map((e) => e.action)).toEqual(['share.created', 'share.expired']);
  });

  it('sends the officer’s position to each session in the incident now, and to a console starting to watch one', async () => {
    const inc = await incident();
    const [a, b] = [await session(inc), await session(inc)];
    const [share] = await shares.create({ incidentId: inc }, ['f1'], 600, handler, null);
    await move(b, null);
    const c = await session(inc);
    published = [];
    expect(await shares.position(field, share!.id, fix, null)).toBe(true);
    const to = published.filter((e) => e.type === 'officer.position').map((e) => e.payload.sessionId);
    expect(to.sort()).toEqual([a, c].sort());
    expect((await shares.positions(c)).map((p) => [p.shareId, p.name])).toEqual([[share!.id, 'PC Field']]);
    expect(await shares.positions(b)).toEqual([]);
    expect((await entries(share!.id)).map((e) => e.action)).toContain('officer.position.shared');
  });

  it('lists an incident’s shares, and refuses to share a closed or unknown incident', async () => {
    const inc = await incident();
    await shares.create({ incidentId: inc }, ['f1'], 600, handler, null);
    expect((await shares.forIncident(inc)).map((s) => s.incidentId)).toEqual([inc]);
    expect((await shares.mine(field, null))[0]?.incident?.title).toBe('Fight on High St');
    await expect(
      shares.create({ incidentId: await incident(true) }, ['f1'], 600, handler, null),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(shares.create({ incidentId: 'nope' }, ['f1'], 600, handler, null)).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
