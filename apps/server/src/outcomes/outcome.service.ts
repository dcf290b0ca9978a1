import {
  type Outcome,
  type OutcomeList,
  type OutcomeLocation,
  type OutcomeRecord,
  outcomeSummary,
  type RecordOutcomeRequest,
  type SessionMode,
} from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import { isUniqueViolation } from '../adapters/db/errors.js';
import type { Random } from '../adapters/random.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { DomainError, notFound } from '../lib/errors.js';
import type { SessionService } from '../sessions/session.service.js';
import type { OutcomeRepository } from './outcome.repository.js';

type Officer = Actor & { type: 'officer' };

/** Which kind of session each outcome belongs to (triage fits any). */
const MODES: Record<OutcomeRecord['kind'], readonly SessionMode[] | null> = {
  triage: null,
  'bail-check': ['two-way'],
  'missing-person': ['location'],
};

/**
 * Why a correction may not replace `target`, or null if it may. A correction replaces one
 * standing record of the same kind in the same session; the database's unique index on
 * `supersedes` settles two corrections racing for the same record.
 */
export function supersedeRefusal(
  target: { session_id: string; kind: string } | undefined,
  sessionId: string,
  kind: OutcomeRecord['kind'],
): DomainError | null {
  if (!target || target.session_id !== sessionId) return notFound('outcome');
  if (target.kind !== kind)
    return new DomainError('bad_request', 'a correction must be the same kind of record', {
      supersedes: 'that record is a different kind of outcome',
    });
  return null;
}

/** Why an outcome does not fit the session's mode, or null. */
export function modeRefusal(kind: OutcomeRecord['kind'], mode: SessionMode): DomainError | null {
  const modes = MODES[kind];
  if (!modes || modes.includes(mode)) return null;
  return new DomainError(
    'bad_request',
    kind === 'bail-check'
      ? 'a bail check is recorded on a two-way video session'
      : 'a missing-person outcome is recorded on a location-only session',
  );
}

/**
 * Structured outcomes of the pilot workflows. Append-only: a correction is a new record
 * naming the one it supersedes. Each is audited and written to the session's timeline
 * (which reaches every console through `session.event`) and travels in exports.
 */
export class OutcomeService {
  constructor(
    private readonly repo: OutcomeRepository,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  /** The session's workflow and every outcome, corrections included. */
  async list(sessionId: string): Promise<OutcomeList> {
    await this.sessions.get(sessionId);
    const [workflow, outcomes] = await Promise.all([
      this.repo.workflow(sessionId),
      this.repo.list(sessionId),
    ]);
    return { workflow, outcomes };
  }

  async record(
    sessionId: string,
    officer: Officer,
    req: RecordOutcomeRequest,
    ip: string | null,
    /** One press of Record: a retry with the same key returns the first answer and records nothing. */
    idempotencyKey: string | null = null,
  ): Promise<Outcome> {
    const session = await this.sessions.get(sessionId);
    // Disposal deleted its outcomes with the rest of its personal data, and never looks at it
    // again: a record added now would be kept for ever.
    if (await this.repo.disposed(sessionId))
      throw new DomainError(
        'conflict',
        'this session has been disposed of; nothing more can be recorded on it',
      );
    const earlier = idempotencyKey ? await this.replay(sessionId, idempotencyKey, officer, ip) : null;
    if (earlier) return earlier;
    const kind = req.record.kind;
    const refusal =
      modeRefusal(kind, session.mode as SessionMode) ??
      (req.supersedes ? supersedeRefusal(await this.repo.byId(req.supersedes), sessionId, kind) : null);
    if (refusal) throw refusal;
    const now = this.clock.now();
    const record: OutcomeRecord =
      req.record.kind === 'bail-check'
        ? { ...req.record, location: await this.locationAt(sessionId, now) }
        : req.record;
    const id = this.random.id();
    try {
      await this.repo.insert({
        id,
        session_id: sessionId,
        kind,
        data: record,
        supersedes: req.supersedes ?? null,
        correction_reason: req.supersedes ? (req.correctionReason ?? null) : null,
        recorded_by: officer.id,
        recorded_by_name: officer.name,
        recorded_at: now,
        idempotency_key: idempotencyKey,
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // The same press arriving twice at once (two instances): the one that lost returns the winner's.
      const winner = idempotencyKey ? await this.replay(sessionId, idempotencyKey, officer, ip) : null;
      if (winner) return winner;
      throw new DomainError('conflict', 'that record has already been corrected; correct the newer one');
    }
    const saved = (await this.repo.list(sessionId)).find((o) => o.id === id)!;
    await this.trace(saved, officer, ip);
    return saved;
  }

  /** The audit entry and the timeline event of a record just written. */
  private async trace(o: Outcome, officer: Officer, ip: string | null): Promise<void> {
    await this.audit.record({
      actor: officer,
      action: o.supersedes ? 'outcome.correct' : 'outcome.record',
      subject: { type: 'session', id: o.sessionId },
      // Which record, never what it says: the hash-chained trail cannot be changed, so personal
      // data written here (a bail check's subject, the caller's position) would outlive MoPI
      // disposal of the outcome itself. The record is in `outcomes` for as long as it is kept.
      detail: { outcomeId: o.id, kind: o.record.kind, supersedes: o.supersedes },
      ip,
    });
    await this.sessions.addEvent(
      o.sessionId,
      o.supersedes ? 'outcome.corrected' : 'outcome.recorded',
      officer.name,
      outcomeSummary(o.record),
      o.recordedAt,
    );
  }

  /**
   * The outcome an earlier request with this key recorded, as it stands now. The record and its
   * trace are written one after the other, so a request can fail between the two (the audit
   * append refused, the process killed) and be retried: its trace is written now if it is missing,
   * and a retry never leaves a record that nobody's audit trail mentions.
   */
  private async replay(sessionId: string, key: string, officer: Officer, ip: string | null) {
    const row = await this.repo.byKey(sessionId, key);
    if (!row) return null;
    const o = (await this.repo.list(sessionId)).find((x) => x.id === row.id);
    if (!o) return null;
    const action = o.supersedes ? 'outcome.correct' : 'outcome.record';
    const trail = await this.audit.list({ limit: 1_000, subjectId: sessionId, action });
    if (!trail.some((e) => (e.detail as { outcomeId?: string } | null)?.outcomeId === o.id))
      // Written as by whoever recorded it (the same officer retrying, in practice).
      await this.trace(
        o,
        officer.id === o.recordedBy.id ? officer : { type: 'officer', ...o.recordedBy },
        ip,
      );
    return o;
  }

  /** The latest fix, with how old it is now: never typed by the officer. */
  private async locationAt(sessionId: string, now: number): Promise<OutcomeLocation | null> {
    const f = await this.repo.latestFix(sessionId);
    if (!f) return null;
    return {
      lat: f.lat,
      lon: f.lon,
      accuracy: f.accuracy,
      fixTime: Number(f.fix_time),
      receivedAt: Number(f.received_at),
      ageMs: Math.max(0, now - Number(f.received_at)),
    };
  }
}
