import { compareFixes } from '@sightline/geo';
import type {
  AmlAccepted,
  AmlComparison,
  AmlFix,
  AmlMethod,
  AmlQuarantined,
  ReceivedFix,
} from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { AmlMessagesTable } from '../adapters/db/aml-schema.js';
import type { Random } from '../adapters/random.js';
import { type Actor, type AuditService, SYSTEM } from '../audit/audit.service.js';
import type { ReadAudit } from '../audit/read-audit.js';
import type { EventPublisher } from '../events/event-bus.js';
import type { EvidenceLedger } from '../evidence/evidence-ledger.js';
import { DomainError } from '../lib/errors.js';
import type { SessionService } from '../sessions/session.service.js';
import type { AmlRepository } from './aml.repository.js';
import { parseAml } from './aml-parser.js';

export interface AmlSettings {
  matchWindowMs: number;
  retentionMs: number;
  defaultRegion: string;
}

export interface AmlDeps {
  repo: AmlRepository;
  ledger: EvidenceLedger;
  sessions: SessionService;
  audit: AuditService;
  reads: ReadAudit;
  clock: Clock;
  random: Random;
  events: EventPublisher;
  /** Tells consoles a session's evidence list changed. */
  evidenceChanged: (sessionId: string) => void;
  settings: AmlSettings;
}

/** Quarantined raw text kept at most this long (messages are capped far below it at the route). */
const RAW_KEEP_CHARS = 16 * 1024;

/**
 * Network location (AML): each message is parsed, kept as evidence from the moment it arrives,
 * and attached to the session for its number, now or when that session is created within the
 * match window (docs/aml.md). Malformed messages are refused and kept in the quarantine.
 */
export class AmlService {
  constructor(private readonly d: AmlDeps) {}

  /** Takes one message as received. Throws `bad_request` with field errors after quarantining a malformed one. */
  async receive(raw: Buffer, meta: { originator: string | null; ip: string | null }): Promise<AmlAccepted> {
    const now = this.d.clock.now();
    const parsed = parseAml(raw.toString('utf8'), {
      originator: meta.originator,
      defaultRegion: this.d.settings.defaultRegion,
      now,
    });
    const id = this.d.random.id();
    if (!parsed.ok) {
      await this.d.repo.quarantine({
        id,
        received_at: now,
        format: parsed.format,
        raw: raw.toString('utf8').slice(0, RAW_KEEP_CHARS),
        errors: JSON.stringify(parsed.errors),
        remote_address: meta.ip,
      });
      await this.d.audit.record({
        actor: SYSTEM,
        action: 'aml.quarantine',
        subject: { type: 'aml-quarantine', id },
        detail: { format: parsed.format, fields: Object.keys(parsed.errors), size: raw.length },
        ip: meta.ip,
      });
      const [field, why] = Object.entries(parsed.errors)[0]!;
      throw new DomainError(
        'bad_request',
        `AML message refused (${field}: ${why}); kept for inspection as ${id}`,
        parsed.errors,
      );
    }
    const m = parsed.message;
    // The raw bytes are evidence from now on, whether or not a session ever takes them.
    const key = `aml/${id}.txt`;
    const stored = await this.d.ledger.storeVerified(key, () => this.d.ledger.store.putBytes(key, raw));
    const row: AmlMessagesTable = {
      id,
      received_at: now,
      format: m.format,
      msisdn_e164: m.msisdnE164,
      lat: m.lat,
      lon: m.lon,
      radius_m: m.radiusM,
      positioned_at: m.positionedAt,
      confidence: m.confidence,
      method: m.method,
      altitude_m: m.altitudeM,
      emergency_number: m.emergencyNumber,
      imei: m.imei,
      imsi: m.imsi,
      mcc: m.mcc,
      mnc: m.mnc,
      storage_key: stored.key,
      sha256: stored.sha256,
      size: stored.size,
      session_id: null,
      evidence_id: null,
      attached_at: null,
    };
    await this.d.repo.insert(row);
    await this.d.audit.record({
      actor: SYSTEM,
      action: 'aml.receive',
      subject: { type: 'aml-message', id },
      detail: { format: m.format, sha256: stored.sha256, size: stored.size, method: m.method },
      ip: meta.ip,
    });
    const w = this.d.settings.matchWindowMs;
    const sessionId = await this.d.repo.sessionFor(m.msisdnE164, m.positionedAt - w, m.positionedAt + w);
    const attached = sessionId !== null && (await this.attach(row, sessionId));
    return { id, sessionId: attached ? sessionId : null, sha256: stored.sha256 };
  }

  /** A session was created: messages for its number positioned within the window join it. */
  async sessionCreated(sessionId: string): Promise<void> {
    const s = await this.d.sessions.get(sessionId);
    const w = this.d.settings.matchWindowMs;
    for (const row of await this.d.repo.waiting(s.phone_e164, s.created_at - w, s.created_at + w))
      await this.attach(row, sessionId);
  }

  /** The session's newest network fix and its comparison with the phone's newest GPS fix, for a console. */
  async latest(sessionId: string): Promise<{ fix: AmlFix; comparison: AmlComparison | null } | null> {
    const row = await this.d.repo.latest(sessionId);
    if (!row) return null;
    const { lastFix } = await this.d.sessions.summary(sessionId);
    return { fix: toFix(row), comparison: compare(row, lastFix) };
  }

  /** The quarantine, newest first; reading it is audited (raw text holds IMEI, IMSI, numbers). */
  async quarantined(actor: Actor, ip: string | null, limit = 200): Promise<AmlQuarantined[]> {
    const rows = await this.d.repo.quarantined(limit);
    await this.d.reads.record({
      actor,
      action: 'aml.quarantine.read',
      subject: { type: 'aml-quarantine', id: 'list' },
      detail: { count: rows.length },
      ip,
    });
    return rows.map((r) => ({
      id: r.id,
      receivedAt: r.received_at,
      format: r.format === 'https' || r.format === 'sms' ? r.format : null,
      raw: r.raw,
      errors: JSON.parse(r.errors) as Record<string, string>,
      remoteAddress: r.remote_address,
    }));
  }

  /** Deletes unmatched and quarantined messages older than the AML retention (leased by the caller). */
  async sweep(): Promise<{ unmatched: number; quarantined: number }> {
    const before = this.d.clock.now() - this.d.settings.retentionMs;
    let unmatched = 0;
    for (const m of await this.d.repo.unmatchedBefore(before)) {
      if (!(await this.d.repo.deleteUnmatched(m.id))) continue;
      await this.d.ledger.store.dispose(m.storage_key);
      unmatched++;
      await this.d.audit.record({
        actor: SYSTEM,
        action: 'aml.dispose',
        subject: { type: 'aml-message', id: m.id },
        detail: { why: 'unmatched past the AML retention', sha256: m.sha256 },
      });
    }
    const quarantined = await this.d.repo.deleteQuarantinedBefore(before);
    if (quarantined > 0)
      await this.d.audit.record({
        actor: SYSTEM,
        action: 'aml.quarantine.dispose',
        subject: { type: 'aml-quarantine', id: 'sweep' },
        detail: { count: quarantined, before },
      });
    return { unmatched, quarantined };
  }

  /** Attaches one message to a session: evidence item, timeline entry, and the live fix to consoles. */
  private async attach(row: AmlMessagesTable, sessionId: string): Promise<boolean> {
    if (!(await this.d.repo.claim(row.id, sessionId, this.d.clock.now()))) return false;
    const evidenceId = await this.d.ledger.record(
      {
        sessionId,
        recordingId: null,
        kind: 'aml-message',
        fileName: `aml-${row.id}.txt`,
        mediaType: 'text/plain; charset=utf-8',
        derivedFrom: [],
        durationMs: null,
        metadata: { amlId: row.id, format: row.format, positionedAt: row.positioned_at },
        auditDetail: { amlId: row.id },
      },
      { key: row.storage_key, sha256: row.sha256, size: row.size },
    );
    await this.d.repo.setEvidence(row.id, evidenceId);
    const fix = toFix(row);
    await this.d.sessions.addEvent(
      sessionId,
      'aml.received',
      null,
      `network location (${METHOD_WORDS[fix.method]}), within ${Math.round(fix.radiusM)} m`,
      this.d.clock.now(),
    );
    this.d.evidenceChanged(sessionId);
    const { lastFix } = await this.d.sessions.summary(sessionId);
    this.d.events.publish('aml.fix', { sessionId, fix, comparison: compare(row, lastFix) });
    return true;
  }
}

const METHOD_WORDS: Record<AmlMethod, string> = {
  gnss: 'GPS',
  wifi: 'Wi-Fi',
  cell: 'cell',
  fused: 'fused',
  unknown: 'method not given',
};

function toFix(r: AmlMessagesTable): AmlFix {
  return {
    id: r.id,
    lat: r.lat,
    lon: r.lon,
    radiusM: r.radius_m,
    confidence: r.confidence,
    method: r.method as AmlMethod,
    positionedAt: r.positioned_at,
    receivedAt: r.received_at,
    format: r.format === 'sms' ? 'sms' : 'https',
  };
}

function compare(r: AmlMessagesTable, gps: ReceivedFix | null): AmlComparison | null {
  if (!gps) return null;
  const c = compareFixes({ lat: r.lat, lon: r.lon, radiusM: r.radius_m }, { ...gps, radiusM: gps.accuracy });
  return { distanceM: c.distanceM, amlRadiusM: r.radius_m, gpsRadiusM: gps.accuracy, disagree: c.disagree };
}
