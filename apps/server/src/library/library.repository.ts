import { type LibrarySession, MAX_DATE_MS } from '@sightline/protocol';
import { sql } from 'kysely';
import type { Db } from '../adapters/db/database.js';
import type { SessionRepository } from '../sessions/session.repository.js';

export interface LibraryFilter {
  reference?: string | undefined;
  officer?: string | undefined;
  phoneE164?: string | undefined;
  /** The same number as a disposed session keeps it (keyed hash): matched with phoneE164. */
  phoneHashed?: string | undefined;
  state?: string | undefined;
  policyId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  reviewDueBefore?: number | undefined;
  ids?: string[];
  limit: number;
}

/**
 * Case-insensitive "contains" on a column, the same on SQLite and PostgreSQL: both sides lowered
 * (PostgreSQL's LIKE is case-sensitive, SQLite's is not for ASCII), and the searched text's own
 * % _ \ matched literally through an explicit ESCAPE (SQLite has no default escape character).
 */
const contains = (column: string, text: string) =>
  sql<boolean>`lower(${sql.ref(column)}) like ${`%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`;

/** Sessions as the evidence library shows them: the summary plus retention facts. */
export class LibraryRepository {
  constructor(
    private readonly db: Db,
    private readonly sessions: SessionRepository,
  ) {}

  async find(f: LibraryFilter): Promise<LibrarySession[]> {
    let q = this.db
      .selectFrom('sessions as s')
      .innerJoin('officers as o', 'o.id', 's.created_by')
      .leftJoin('officers as c', 'c.id', 's.classified_by')
      .select([
        's.classified_by',
        'c.display_name as classified_by_name',
        's.id',
        's.policy_id',
        's.classified_at',
        's.legal_hold',
        's.hold_reason',
        's.retain_until',
        's.review_due_at',
        's.disposed_at',
      ])
      .select((eb) =>
        eb
          .selectFrom('evidence_items as e')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('e.session_id', '=', 's.id')
          .where('e.disposed_at', 'is', null)
          .as('evidence_count'),
      )
      .orderBy('s.created_at', 'desc')
      .orderBy('s.id')
      .limit(f.limit);
    if (f.ids) q = q.where('s.id', 'in', f.ids.length ? f.ids : ['']);
    if (f.reference) q = q.where(contains('s.reference', f.reference));
    if (f.officer) {
      const o = f.officer;
      q = q.where((eb) => eb.or([contains('o.display_name', o), contains('o.username', o)]));
    }
    if (f.phoneE164)
      q = q.where('s.phone_e164', 'in', f.phoneHashed ? [f.phoneE164, f.phoneHashed] : [f.phoneE164]);
    if (f.state) q = q.where('s.state', '=', f.state);
    if (f.policyId) q = q.where('s.policy_id', '=', f.policyId);
    if (f.from !== undefined) q = q.where('s.created_at', '>=', f.from);
    if (f.to !== undefined) q = q.where('s.created_at', '<=', f.to);
    if (f.reviewDueBefore !== undefined)
      q = q.where('s.review_due_at', '<=', f.reviewDueBefore).where('s.disposed_at', 'is', null);
    const rows = await q.execute();
    const summaries = new Map(
      (await this.sessions.summaries({ ids: rows.map((r) => r.id) })).map((x) => [x.id, x]),
    );
    return rows.map((r) => {
      // A stored time no Date can hold (written before classification was bounded, or by hand)
      // reads as "no date" rather than failing the response schema for the whole listing.
      const n = (v: number | null) => {
        const x = v === null ? null : Number(v);
        return x !== null && Number.isSafeInteger(x) && Math.abs(x) <= MAX_DATE_MS ? x : null;
      };
      return {
        ...summaries.get(r.id)!,
        policyId: r.policy_id,
        classifiedAt: n(r.classified_at),
        classifiedBy: r.classified_by
          ? { id: r.classified_by, name: r.classified_by_name ?? r.classified_by }
          : null,
        legalHold: r.legal_hold === 1,
        holdReason: r.hold_reason,
        retainUntil: n(r.retain_until),
        reviewDueAt: n(r.review_due_at),
        disposedAt: n(r.disposed_at),
        evidenceCount: Number(r.evidence_count ?? 0),
      };
    });
  }

  async one(id: string): Promise<LibrarySession | undefined> {
    return (await this.find({ ids: [id], limit: 1 }))[0];
  }
}
