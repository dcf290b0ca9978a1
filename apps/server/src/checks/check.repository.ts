import type { Check } from '@sightline/protocol';
import type { Db } from '../adapters/db/database.js';
import { checkStatus } from './check-status.js';

/** Reads and conditional writes of scheduled checks (sessions with a window). */
export class CheckRepository {
  constructor(private readonly db: Db) {}

  /** Checks whose window ends after `from`, oldest window first; one officer's, or everyone's. */
  async list(
    filter: { createdBy: string | null; from: number; ids?: string[]; seriesId?: string },
    now: number,
  ): Promise<Check[]> {
    let q = this.db
      .selectFrom('sessions as s')
      .innerJoin('officers as o', 'o.id', 's.created_by')
      .leftJoin('session_workflows as w', 'w.session_id', 's.id')
      .select([
        's.id',
        's.series_id',
        's.reference',
        's.phone_masked',
        's.not_before',
        's.expires_at',
        's.consented_at',
        's.cancelled_at',
        's.created_by',
        'o.display_name',
        'w.check_subject',
      ])
      .where('s.not_before', 'is not', null)
      .where('s.expires_at', '>', filter.from);
    if (filter.createdBy) q = q.where('s.created_by', '=', filter.createdBy);
    if (filter.ids) q = q.where('s.id', 'in', filter.ids.length ? filter.ids : ['']);
    if (filter.seriesId) q = q.where('s.series_id', '=', filter.seriesId);
    const rows = await q.orderBy('s.not_before').orderBy('s.id').limit(1000).execute();
    const ids = rows.map((r) => r.id);
    const [texts, results] = await Promise.all([this.firstTexts(ids), this.results(ids)]);
    return rows.map((r) => {
      const result = results.get(r.id) ?? null;
      return {
        sessionId: r.id,
        seriesId: r.series_id,
        reference: r.reference,
        phoneMasked: r.phone_masked,
        subject: r.check_subject ?? null,
        notBefore: Number(r.not_before),
        notAfter: Number(r.expires_at),
        status: checkStatus(
          {
            notBefore: Number(r.not_before),
            notAfter: Number(r.expires_at),
            consentedAt: r.consented_at === null ? null : Number(r.consented_at),
            cancelledAt: r.cancelled_at === null ? null : Number(r.cancelled_at),
            recorded: results.has(r.id),
          },
          now,
        ),
        textSentAt: texts.get(r.id) ?? null,
        result,
        createdBy: { id: r.created_by, name: r.display_name },
      };
    });
  }

  /** Ids of checks whose text is due (window open, not yet sent, still unopened). */
  async dueTexts(now: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .select('id')
      .where('text_due_at', '<=', now)
      .where('state', '=', 'sent')
      .where('expires_at', '>', now)
      .orderBy('text_due_at')
      .limit(200)
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Takes a due text for sending and gives the session its link's token: one statement, so of two
   * instances finding it due exactly one wins. False if another took it (or it was cancelled).
   */
  async claimText(sessionId: string, tokenHash: string): Promise<boolean> {
    const res = await this.db
      .updateTable('sessions')
      .set({ text_due_at: null, token_hash: tokenHash })
      .where('id', '=', sessionId)
      .where('text_due_at', 'is not', null)
      .where('state', '=', 'sent')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** A series' checks that can still be cancelled: not joined, window not closed. */
  async cancellable(seriesId: string, now: number): Promise<{ id: string; created_by: string }[]> {
    return this.db
      .selectFrom('sessions')
      .select(['id', 'created_by'])
      .where('series_id', '=', seriesId)
      .where('state', 'in', ['sent', 'opened', 'refused'])
      .where('consented_at', 'is', null)
      .where('expires_at', '>', now)
      .execute();
  }

  /** Marks a check cancelled (and its text never to go) unless its subject has joined meanwhile. */
  async markCancelled(sessionId: string, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('sessions')
      .set({ cancelled_at: now, text_due_at: null })
      .where('id', '=', sessionId)
      .where('state', 'in', ['sent', 'opened', 'refused'])
      .where('consented_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async seriesOwner(seriesId: string): Promise<string | null> {
    const r = await this.db
      .selectFrom('sessions')
      .select('created_by')
      .where('series_id', '=', seriesId)
      .executeTakeFirst();
    return r?.created_by ?? null;
  }

  private async firstTexts(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('sms_deliveries')
      .select(['session_id', (eb) => eb.fn.min('created_at').as('at')])
      .where('session_id', 'in', ids)
      .groupBy('session_id')
      .execute();
    return new Map(rows.map((r) => [r.session_id, Number(r.at)]));
  }

  /** Each check's recorded result: the newest bail-check outcome not superseded. */
  private async results(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('outcomes')
      .select(['id', 'session_id', 'data', 'supersedes'])
      .where('session_id', 'in', ids)
      .orderBy('recorded_at')
      .orderBy('id')
      .execute();
    const superseded = new Set(rows.map((r) => r.supersedes).filter((x) => x !== null));
    const out = new Map<string, string>();
    for (const r of rows) {
      if (superseded.has(r.id)) continue;
      const data = JSON.parse(r.data) as { result?: unknown };
      out.set(r.session_id, typeof data.result === 'string' ? data.result : 'recorded');
    }
    return out;
  }
}
