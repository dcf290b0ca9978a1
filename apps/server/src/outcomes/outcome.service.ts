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
    const earlier = idempotencyKey ? await this.replay(sessionId, idempotencyKey) : null;
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
      const winner = idempotencyKey ? await this.replay(sessionId, idempotencyKey) : null;
      if (winner) return winner;
      throw new DomainError('conflict', 'that record has already been corrected; correct the newer one');
    }
    await this.audit.record({
      actor: officer,
      action: req.supersedes ? 'outcome.correct' : 'outcome.record',
      subject: { type: 'session', id: sessionId },
      // Which record, never what it says: the hash-chained trail cannot be changed, so personal
      // data written here (a bail check's subject, the caller's position) would outlive MoPI
      // disposal of the outcome itself. The record is in `outcomes` for as long as it is kept.
      detail: { outcomeId: id, kind, supersedes: req.supersedes ?? null },
      ip,
    });
    await this.sessions.addEvent(
      sessionId,
      req.supersedes ? 'outcome.corrected' : 'outcome.recorded',
      officer.name,
      outcomeSummary(record),
      now,
    );
    return (await this.repo.list(sessionId)).find((o) => o.id === id)!;
  }

  /** The outcome an earlier request with this key recorded, as it stands now. */
  private async replay(sessionId: string, key: string): Promise<Outcome | null> {
    const row = await this.repo.byKey(sessionId, key);
    if (!row) return null;
    return (await this.repo.list(sessionId)).find((o) => o.id === row.id) ?? null;
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
