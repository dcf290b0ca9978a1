import type { Db } from '../adapters/db/database.js';
import type { EvidenceStore, Protection } from '../adapters/storage/evidence-store.js';

/** The retention facts of a session that decide how its media is locked. */
export interface SessionRetention {
  retain_until: number | bigint | null;
  review_due_at: number | bigint | null;
  legal_hold: number | null;
}

/**
 * The store lock for a session's media: until the earliest time disposal could take it
 * (both the retention date and any review date passed), and held while a legal hold is on.
 * Unclassified media has no date: the unclassified default is short and may be replaced by
 * a classification, and a store lock cannot be shortened.
 */
export function protectionFor(s: SessionRetention): Protection {
  const dates = [s.retain_until, s.review_due_at].filter((d) => d !== null).map(Number);
  return { retainUntil: dates.length ? Math.max(...dates) : null, legalHold: s.legal_hold === 1 };
}

/**
 * Carries retention dates and legal holds into the evidence store's own lock (S3 Object
 * Lock), so that even someone holding the bucket's credentials cannot delete evidence
 * early. With a store that has no lock, every call does nothing.
 */
export class EvidenceProtection {
  constructor(
    private readonly db: Db,
    private readonly store: EvidenceStore,
  ) {}

  /** Locks every stored item of a session as `s` says (called before the change is recorded). */
  async session(sessionId: string, s: SessionRetention): Promise<void> {
    const p = protectionFor(s);
    const items = await this.db
      .selectFrom('evidence_items')
      .select('storage_key')
      .where('session_id', '=', sessionId)
      .where('disposed_at', 'is', null)
      .execute();
    for (const i of items) await this.store.protect(i.storage_key, p);
  }

  /** Locks a newly stored item as its session's retention and hold say now. */
  async item(sessionId: string, key: string): Promise<void> {
    const s = await this.db
      .selectFrom('sessions')
      .select(['retain_until', 'review_due_at', 'legal_hold'])
      .where('id', '=', sessionId)
      .executeTakeFirst();
    if (!s) return;
    const p = protectionFor(s);
    if (p.retainUntil !== null || p.legalHold) await this.store.protect(key, p);
  }
}
