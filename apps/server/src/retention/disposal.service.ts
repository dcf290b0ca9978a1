import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import {
  type DisposalCandidate,
  type DisposalReport,
  MAX_DATE_MS,
  type RefusedDisposal,
} from '@sightline/protocol';
import type { ExpressionBuilder } from 'kysely';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { Database } from '../adapters/db/schema.js';
import { withTransaction } from '../adapters/db/transaction.js';
import type { PhoneHasher } from '../adapters/keys/phone-hasher.js';
import {
  describeLock,
  EvidenceLockedError,
  type EvidenceStore,
  isLocked,
} from '../adapters/storage/evidence-store.js';
import { type Actor, type AuditService, SYSTEM } from '../audit/audit.service.js';
import type { LeaseRepository } from '../jobs/lease.repository.js';
import { DomainError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { SessionService } from '../sessions/session.service.js';

const DAY = 86_400_000;

/** A legal hold placed on a session after the run selected it: the run leaves it alone. */
export class HeldMeanwhileError extends Error {
  override name = 'HeldMeanwhileError';
  constructor() {
    super('a legal hold was placed while the disposal ran');
  }
}

/** Sessions not on legal hold (null or 0). */
const notHeld = (eb: ExpressionBuilder<Database, 'sessions'>) =>
  eb.or([eb('legal_hold', 'is', null), eb('legal_hold', '=', 0)]);
/**
 * Held while a disposal runs anywhere (renewed as it runs), so no two runs overlap; a backup
 * holds it too, so no file its snapshot names is disposed of before it is copied.
 */
export const DISPOSAL_RUN_LEASE = 'retention.disposal.run';
const RUN_LEASE_MS = 120_000;
/** Taken by the instance whose timer fires first and kept for an interval: one scheduled run per interval. */
const SCHEDULE_LEASE = 'retention.disposal.schedule';
/** Sessions that can no longer change: no recording or device copy is still being written. */
const TERMINAL = ['ended', 'expired'] as const;

/** An ISO time for the audit trail and reports; a stored value no Date can hold is shown as it is. */
const when = (ms: number) =>
  Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS
    ? new Date(ms).toISOString()
    : `${ms} (not a valid time)`;

/**
 * The only code that deletes evidence. A session's media goes when the session has
 * ended, its policy's date has passed (or, never classified, `unclassifiedDays`
 * after it ended), any review date has passed too, and no legal hold applies. A
 * session whose retention date is before its own creation is never disposed of:
 * it is refused, audited, logged and listed in the report for a supervisor. Each
 * disposal leaves an audit record: what (file names and hashes), why, and by which
 * policy. The rows and hashes stay.
 *
 * Several instances may share the database: the scheduled run happens on one instance per
 * interval, and no two runs (scheduled or asked for) overlap anywhere, by leases.
 */
export class DisposalService {
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly store: EvidenceStore,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly leases: LeaseRepository,
    private readonly settings: {
      /** This instance's id (config.instanceId), the owner of the leases it takes. */
      instanceId: string;
      unclassifiedDays: number;
      intervalMs: number;
      /** Spool folders that may still hold the session's media (recordings, device-copy chunks). */
      spoolFor: (sessionId: string) => string[];
      /** What the session keeps of the caller's number once disposed of (keyed hash, SAR still finds it). */
      hashPhone: PhoneHasher;
    },
    private readonly log: Logger,
  ) {}

  start(): void {
    const tick = () =>
      this.scheduledRun().catch((err: unknown) => this.log.error({ err }, 'retention: disposal run failed'));
    this.#timer ??= setInterval(tick, this.settings.intervalMs);
    setTimeout(tick, 60_000).unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** What is due for disposal now. */
  async candidates(): Promise<DisposalCandidate[]> {
    return (await this.scan()).candidates;
  }

  /** What is due now, and what would be due but is refused because its dates are impossible. */
  async scan(): Promise<{ candidates: DisposalCandidate[]; refused: RefusedDisposal[] }> {
    const now = this.clock.now();
    const unclassifiedBefore = now - this.settings.unclassifiedDays * DAY;
    const rows = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('disposed_at', 'is', null)
      .where(notHeld)
      // Never a session that may still be live: Janus could be writing into its spool folder.
      .where('state', 'in', TERMINAL)
      // A retention date does not override a review still to come (MoPI group 1 at 100).
      .where((eb) => eb.or([eb('review_due_at', 'is', null), eb('review_due_at', '<=', now)]))
      .where((eb) =>
        eb.or([
          eb('retain_until', '<=', now),
          eb.and([
            eb('policy_id', 'is', null),
            eb(eb.fn.coalesce('ended_at', 'expires_at'), '<=', unclassifiedBefore),
          ]),
        ]),
      )
      .orderBy('created_at')
      .execute();
    const out: DisposalCandidate[] = [];
    const refused: RefusedDisposal[] = [];
    for (const s of rows) {
      const items = await this.db
        .selectFrom('evidence_items')
        .select(['id', 'file_name', 'sha256', 'size', 'storage_key'])
        .where('session_id', '=', s.id)
        .where('disposed_at', 'is', null)
        .execute();
      const retainUntil =
        s.retain_until !== null
          ? Number(s.retain_until)
          : Number(s.ended_at ?? s.expires_at) + this.settings.unclassifiedDays * DAY;
      const createdAt = Number(s.created_at);
      if (!(retainUntil >= createdAt)) {
        refused.push({
          sessionId: s.id,
          reference: s.reference,
          policyId: s.policy_id,
          retainUntil: Number.isSafeInteger(retainUntil) ? retainUntil : null,
          createdAt,
          why: `retention date ${when(retainUntil)} is before the session was created (${when(createdAt)}): not disposed of; a supervisor must check and reclassify it`,
        });
        continue;
      }
      // The store's own lock (S3 Object Lock) outranks the database: what it still keeps is not touched.
      const locked = await this.storeLock(items, now);
      if (locked) {
        refused.push({
          sessionId: s.id,
          reference: s.reference,
          policyId: s.policy_id,
          retainUntil,
          createdAt,
          why: `the evidence store still locks ${locked}: not disposed of until the lock ends (or a supervisor has it lifted)`,
        });
        continue;
      }
      out.push({
        sessionId: s.id,
        reference: s.reference,
        policyId: s.policy_id,
        retainUntil,
        why: s.policy_id
          ? `policy ${s.policy_id}: retention ended ${when(retainUntil)}`
          : `never classified: ${this.settings.unclassifiedDays}-day default ended ${when(retainUntil)}`,
        items: items.map((i) => ({
          id: i.id,
          fileName: i.file_name,
          sha256: i.sha256,
          size: Number(i.size),
        })),
      });
    }
    return { candidates: out, refused };
  }

  /**
   * What the timer does each interval: runs on the one instance that takes this interval's
   * lease, and never beside another run. Public so tests can fire two instances' timers at once.
   */
  async scheduledRun(): Promise<void> {
    const { instanceId, intervalMs } = this.settings;
    if (!(await this.leases.tryAcquire(SCHEDULE_LEASE, instanceId, intervalMs))) return;
    const done = await this.leases.exclusive(DISPOSAL_RUN_LEASE, runOwner(instanceId), RUN_LEASE_MS, () =>
      this.disposeDue({ dryRun: false, actor: SYSTEM, ip: null }),
    );
    if (!done.ran) this.log.info({}, 'retention: a disposal run is in progress elsewhere; skipping this one');
  }

  /**
   * Disposes of what is due (or, with `dryRun`, only reports it). Audited either way. A real
   * run refuses (409) while another is in progress on any instance.
   */
  async run(o: { dryRun: boolean; actor: Actor; ip?: string | null }): Promise<DisposalReport> {
    if (o.dryRun) return this.disposeDue(o);
    const done = await this.leases.exclusive(
      DISPOSAL_RUN_LEASE,
      runOwner(this.settings.instanceId),
      RUN_LEASE_MS,
      () => this.disposeDue(o),
    );
    if (!done.ran)
      throw new DomainError('conflict', 'a disposal run is in progress; try again when it has finished');
    return done.value;
  }

  private async disposeDue(o: {
    dryRun: boolean;
    actor: Actor;
    ip?: string | null;
  }): Promise<DisposalReport> {
    const { candidates, refused } = await this.scan();
    const at = this.clock.now();
    if (o.dryRun) {
      await this.audit.record({
        actor: o.actor,
        action: 'retention.dry_run',
        detail: {
          candidates: candidates.map((c) => ({ sessionId: c.sessionId, items: c.items.length })),
          refused: refused.map((r) => r.sessionId),
        },
        ip: o.ip ?? null,
      });
      return { dryRun: true, at, candidates, refused };
    }
    for (const r of refused) await this.refuse(r, o.actor);
    const disposed: DisposalCandidate[] = [];
    for (const c of candidates) {
      try {
        await this.dispose(c, o.actor);
        disposed.push(c);
      } catch (err) {
        // A lock or hold the scan did not see (set meanwhile, or the bucket's own default): say so, go on.
        if (!(err instanceof EvidenceLockedError) && !(err instanceof HeldMeanwhileError)) throw err;
        const session = await this.sessions.get(c.sessionId);
        const r: RefusedDisposal = {
          sessionId: c.sessionId,
          reference: c.reference,
          policyId: c.policyId,
          retainUntil: c.retainUntil,
          createdAt: Number(session.created_at),
          why: `${err.message}; the rest of the session was not disposed of`,
        };
        refused.push(r);
        await this.refuse(r, o.actor);
      }
    }
    if (disposed.length)
      this.log.info({ sessions: disposed.length }, 'retention: disposed of media as the policies require');
    return { dryRun: false, at, candidates: disposed, refused };
  }

  /** "master-1.mjr (Object Lock retains it until …)" for the first item the store still locks, or null. */
  private async storeLock(items: Array<{ file_name: string; storage_key: string }>, now: number) {
    for (const i of items) {
      const p = await this.store.protection(i.storage_key);
      if (isLocked(p, now)) return `${i.file_name} (${describeLock(p)})`;
    }
    return null;
  }

  /** Flags a session the job will not dispose of: in the audit trail and the log (and the report). */
  private async refuse(r: RefusedDisposal, actor: Actor): Promise<void> {
    this.log.warn(
      { sessionId: r.sessionId, retainUntil: r.retainUntil, createdAt: r.createdAt },
      `retention: refused to dispose of a session: ${r.why}`,
    );
    await this.audit.record({
      actor,
      action: 'retention.refused',
      subject: { type: 'session', id: r.sessionId },
      detail: { why: r.why, policyId: r.policyId, retainUntil: r.retainUntil, createdAt: r.createdAt },
    });
  }

  /** Right before anything of the session is deleted: a hold placed since the scan wins. */
  private async assertNotHeld(sessionId: string): Promise<void> {
    const row = await this.db
      .selectFrom('sessions')
      .select('id')
      .where('id', '=', sessionId)
      .where('disposed_at', 'is', null)
      .where(notHeld)
      .executeTakeFirst();
    if (!row) throw new HeldMeanwhileError();
  }

  private async dispose(c: DisposalCandidate, actor: Actor): Promise<void> {
    const now = this.clock.now();
    const keys = await this.db
      .selectFrom('evidence_items')
      .select(['id', 'storage_key'])
      .where('session_id', '=', c.sessionId)
      .where('disposed_at', 'is', null)
      .execute();
    for (const k of keys) {
      await this.assertNotHeld(c.sessionId);
      await this.store.dispose(k.storage_key);
      await this.db.updateTable('evidence_items').set({ disposed_at: now }).where('id', '=', k.id).execute();
    }
    // Export packages hold copies of the media: they go too.
    const exports = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('type', '=', 'export')
      .where('state', '=', 'done')
      .execute();
    for (const j of exports) {
      const params = JSON.parse(j.params) as { sessionIds: string[] };
      if (!params.sessionIds.includes(c.sessionId) || !j.result) continue;
      const r = JSON.parse(j.result) as { key: string };
      await this.assertNotHeld(c.sessionId);
      await this.store.dispose(r.key);
      await this.db.updateTable('jobs').set({ state: 'disposed' }).where('id', '=', j.id).execute();
    }
    for (const dir of this.settings.spoolFor(c.sessionId)) await rm(dir, { recursive: true, force: true });
    // The session's personal data rows go together, in one transaction with marking it disposed
    // (0020's trigger lets an outcome be deleted only once its session is marked disposed), and
    // with the audit entry: the session is never marked disposed without its entry. The entry
    // names every file of the session the database marks gone, so a run that resumes after a
    // crash between the files and the rows still names the files the first run removed.
    const entry = async (db: Db, result: Record<string, unknown>) =>
      ({
        actor,
        action: 'retention.dispose',
        subject: { type: 'session', id: c.sessionId },
        detail: {
          why: c.why,
          policyId: c.policyId,
          retainUntil: c.retainUntil,
          ...(await disposedOf(db, c.sessionId)),
          ...result,
        },
      }) as const;
    try {
      await withTransaction(this.db, async (trx) => {
        const deleted = await deletePersonalRows(trx, c.sessionId, now, this.settings.hashPhone);
        await this.audit.recordIn(trx, await entry(trx, deleted));
      });
    } catch (err) {
      // The media are gone already; the rows could not go (a legal hold placed meanwhile makes
      // 0020's trigger refuse). What was deleted is still audited before the run stops on it.
      const kept = err instanceof Error ? err.message : String(err);
      await this.audit.record(await entry(this.db, { personalRowsKept: kept }));
      throw err;
    }
    await this.sessions.addEvent(c.sessionId, 'evidence.disposed', null, c.why);
  }
}

/**
 * What of a session is gone from the evidence store, as the database records it: its items
 * marked disposed, and the export packages disposed of that held any of its media.
 */
async function disposedOf(db: Db, sessionId: string) {
  const items = await db
    .selectFrom('evidence_items')
    .select(['id', 'file_name', 'sha256', 'size'])
    .where('session_id', '=', sessionId)
    .where('disposed_at', 'is not', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const exports = await db
    .selectFrom('jobs')
    .select(['params', 'result'])
    .where('type', '=', 'export')
    .where('state', '=', 'disposed')
    .execute();
  const exportPackages: string[] = [];
  for (const j of exports) {
    const params = JSON.parse(j.params) as { sessionIds: string[] };
    if (!params.sessionIds.includes(sessionId) || !j.result) continue;
    const r = JSON.parse(j.result) as { fileName: string; sha256: string };
    exportPackages.push(`${r.fileName} (${r.sha256})`);
  }
  return {
    items: items.map((i) => ({ id: i.id, fileName: i.file_name, sha256: i.sha256, size: Number(i.size) })),
    exportPackages,
  };
}

/**
 * Marks the session disposed and deletes the rows that hold its personal data: location fixes,
 * chat, structured outcomes and the workflow the link was sent for (a bail check's subject), any
 * field officer's last position kept against it, webhook deliveries about it, officers' notes,
 * and what the timeline said of each outcome, note and the caller's browser. The session row
 * keeps a keyed hash of the number in place of it, without the subject's date of birth or the
 * caller's user-agent; the texts sent keep their status, not the number or the words; the
 * interpreters keep their kind and times, not who they were (maskInterpreters). Returns
 * the counts for the audit record.
 */
async function deletePersonalRows(trx: Db, sessionId: string, now: number, hashPhone: PhoneHasher) {
  const { phone_e164 } = await trx
    .selectFrom('sessions')
    .select('phone_e164')
    .where('id', '=', sessionId)
    .executeTakeFirstOrThrow();
  const hashed = hashPhone(phone_e164);
  // Compare-and-set: a hold placed after the last check (or another run) leaves the session as it is.
  const marked = await trx
    .updateTable('sessions')
    .set({ disposed_at: now, phone_e164: hashed, subject_dob: null, caller_user_agent: null })
    .where('id', '=', sessionId)
    .where('disposed_at', 'is', null)
    .where(notHeld)
    .executeTakeFirst();
  if (Number(marked.numUpdatedRows) === 0) throw new HeldMeanwhileError();
  const count = async (q: { executeTakeFirst(): Promise<{ numDeletedRows: bigint }> }) =>
    Number((await q.executeTakeFirst()).numDeletedRows);
  const updated = async (q: { executeTakeFirst(): Promise<{ numUpdatedRows: bigint }> }) =>
    Number((await q.executeTakeFirst()).numUpdatedRows);
  return {
    ...(await maskInterpreters(trx, sessionId, updated)),
    notesDeleted: await count(trx.deleteFrom('notes').where('session_id', '=', sessionId)),
    // "opened on iPhone, Safari 17" and a note's words: the events stay, without what they said.
    noteAndOpenEventsCleared: await updated(
      trx
        .updateTable('session_events')
        .set({ detail: null })
        .where('session_id', '=', sessionId)
        // An upload's file name is the caller's own ("IMG_Alice_birthday.jpg").
        .where('type', 'in', ['note.added', 'bookmark.added', 'link.opened', 'upload.started']),
    ),
    textsMasked:
      (await updated(
        trx
          .updateTable('sms_outbox')
          .set({ to_e164: hashed, body: '', link_sealed: null })
          .where('session_id', '=', sessionId),
      )) +
      // A gateway's refusal can quote the number; the link is no use to anyone now.
      (await updated(
        trx
          .updateTable('sms_deliveries')
          .set({ failure_reason: null, link_sealed: null })
          .where('session_id', '=', sessionId),
      )),
    // An officer's private note on a distressing moment describes what the caller showed.
    distressNotesCleared: await updated(
      trx.updateTable('distress_marks').set({ note: null }).where('session_id', '=', sessionId),
    ),
    locationFixesDeleted: await count(trx.deleteFrom('location_fixes').where('session_id', '=', sessionId)),
    chatMessagesDeleted: await count(trx.deleteFrom('messages').where('session_id', '=', sessionId)),
    outcomesDeleted: await count(trx.deleteFrom('outcomes').where('session_id', '=', sessionId)),
    workflowsDeleted: await count(trx.deleteFrom('session_workflows').where('session_id', '=', sessionId)),
    officerPositionsDeleted: await count(
      trx.deleteFrom('officer_positions').where('session_id', '=', sessionId),
    ),
    // Webhook bodies carry the CAD reference and positions.
    webhookDeliveriesDeleted: await count(
      trx.deleteFrom('webhook_deliveries').where('session_id', '=', sessionId),
    ),
    // Network locations: the MSISDN, IMEI and IMSI they name go with the session (the raw message is an evidence item above).
    amlMessagesDeleted: await count(trx.deleteFrom('aml_messages').where('session_id', '=', sessionId)),
    // The timeline keeps that an outcome was recorded, not what it said (a bail check names its subject).
    outcomeEventsCleared: Number(
      (
        await trx
          .updateTable('session_events')
          .set({ detail: null })
          .where('session_id', '=', sessionId)
          .where('type', 'in', ['outcome.recorded', 'outcome.corrected'])
          .executeTakeFirst()
      ).numUpdatedRows,
    ),
  };
}

/**
 * An interpreter's name, organisation and booking are a third party's personal data kept for the
 * session: they go with it. The rows stay, without them, so the record still shows that an
 * interpreter (of which kind) took part and when; the timeline keeps its interpreter.* events
 * without their details (names, bookings, reasons) and with "interpreter" for the interpreter's name.
 */
async function maskInterpreters(
  trx: Db,
  sessionId: string,
  updated: (q: { executeTakeFirst(): Promise<{ numUpdatedRows: bigint }> }) => Promise<number>,
) {
  const names = (
    await trx.selectFrom('interpreters').select('name').where('session_id', '=', sessionId).execute()
  ).map((r) => r.name);
  const events = trx
    .updateTable('session_events')
    .where('session_id', '=', sessionId)
    .where('type', 'like', 'interpreter.%');
  const interpreterEventsCleared = await updated(events.set({ detail: null }));
  if (names.length > 0) await events.set({ actor: 'interpreter' }).where('actor', 'in', names).execute();
  const interpretersMasked = await updated(
    trx
      .updateTable('interpreters')
      .set({
        name: '',
        organisation: '',
        booking_ref: '',
        language: '',
        invited_by_name: '',
        end_reason: null,
        device_secret_hash: null,
      })
      .where('session_id', '=', sessionId),
  );
  return { interpretersMasked, interpreterEventsCleared };
}

/** A lease owner unique to one run, so a second run on the same instance does not share the first's lease. */
function runOwner(instanceId: string): string {
  return `${instanceId}/${randomUUID()}`;
}
