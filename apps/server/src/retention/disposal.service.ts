import { rm } from 'node:fs/promises';
import {
  type DisposalCandidate,
  type DisposalReport,
  MAX_DATE_MS,
  type RefusedDisposal,
} from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { EvidenceStore } from '../adapters/storage/evidence-store.js';
import { type Actor, type AuditService, SYSTEM } from '../audit/audit.service.js';
import type { Logger } from '../lib/logger.js';
import type { SessionService } from '../sessions/session.service.js';

const DAY = 86_400_000;
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
 */
export class DisposalService {
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly store: EvidenceStore,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly settings: {
      unclassifiedDays: number;
      intervalMs: number;
      /** Spool folders that may still hold the session's media (recordings, device-copy chunks). */
      spoolFor: (sessionId: string) => string[];
    },
    private readonly log: Logger,
  ) {}

  start(): void {
    const tick = () =>
      this.run({ dryRun: false, actor: SYSTEM }).catch((err: unknown) =>
        this.log.error({ err }, 'retention: disposal run failed'),
      );
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
      .where((eb) => eb.or([eb('legal_hold', 'is', null), eb('legal_hold', '=', 0)]))
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
        .select(['id', 'file_name', 'sha256', 'size'])
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

  /** Disposes of what is due (or, with `dryRun`, only reports it). Audited either way. */
  async run(o: { dryRun: boolean; actor: Actor; ip?: string | null }): Promise<DisposalReport> {
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
    for (const c of candidates) await this.dispose(c, o.actor);
    if (candidates.length)
      this.log.info({ sessions: candidates.length }, 'retention: disposed of media as the policies require');
    return { dryRun: false, at, candidates, refused };
  }

  /** Flags a session the job will not dispose of: in the audit trail and the log (and the report). */
  private async refuse(r: RefusedDisposal, actor: Actor): Promise<void> {
    this.log.warn(
      { sessionId: r.sessionId, retainUntil: r.retainUntil, createdAt: r.createdAt },
      'retention: refused to dispose of a session whose retention date is before its creation',
    );
    await this.audit.record({
      actor,
      action: 'retention.refused',
      subject: { type: 'session', id: r.sessionId },
      detail: { why: r.why, policyId: r.policyId, retainUntil: r.retainUntil, createdAt: r.createdAt },
    });
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
    const packages: string[] = [];
    for (const j of exports) {
      const params = JSON.parse(j.params) as { sessionIds: string[] };
      if (!params.sessionIds.includes(c.sessionId) || !j.result) continue;
      const r = JSON.parse(j.result) as { key: string; fileName: string; sha256: string };
      await this.store.dispose(r.key);
      await this.db.updateTable('jobs').set({ state: 'disposed' }).where('id', '=', j.id).execute();
      packages.push(`${r.fileName} (${r.sha256})`);
    }
    const fixes = await this.db
      .deleteFrom('location_fixes')
      .where('session_id', '=', c.sessionId)
      .executeTakeFirst();
    for (const dir of this.settings.spoolFor(c.sessionId)) await rm(dir, { recursive: true, force: true });
    const messages = await this.db
      .deleteFrom('messages')
      .where('session_id', '=', c.sessionId)
      .executeTakeFirst();
    await this.db.updateTable('sessions').set({ disposed_at: now }).where('id', '=', c.sessionId).execute();
    await this.audit.record({
      actor,
      action: 'retention.dispose',
      subject: { type: 'session', id: c.sessionId },
      detail: {
        why: c.why,
        policyId: c.policyId,
        retainUntil: c.retainUntil,
        items: c.items,
        exportPackages: packages,
        locationFixesDeleted: Number(fixes.numDeletedRows),
        chatMessagesDeleted: Number(messages.numDeletedRows),
      },
    });
    await this.sessions.addEvent(c.sessionId, 'evidence.disposed', null, c.why);
  }
}
