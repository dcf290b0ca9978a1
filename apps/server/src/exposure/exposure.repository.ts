import type { DistressMark, ExposureKind } from '@sightline/protocol';
import type { Db } from '../adapters/db/database.js';
import type { OfficerMark, SeenInterval } from './wellbeing.js';

export interface NewInterval {
  id: string;
  sessionId: string;
  kind: ExposureKind;
  itemId: string | null;
  startedAt: number;
  endedAt: number;
  seenMs: number;
}

/** The exposure log's two tables: intervals seen clearly and distressing marks, per officer. */
export class ExposureRepository {
  constructor(private readonly db: Db) {}

  /** Which of these sessions exist (a report naming any other is not counted). */
  async existingSessions(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.selectFrom('sessions').select('id').where('id', 'in', ids).execute();
    return new Set(rows.map((r) => r.id));
  }

  /** Stores intervals not stored before; returns how many were new (a retry's are not). */
  async addIntervals(officerId: string, intervals: readonly NewInterval[]): Promise<number> {
    let added = 0;
    for (const i of intervals) {
      const res = await this.db
        .insertInto('exposure_intervals')
        .values({
          officer_id: officerId,
          id: i.id,
          session_id: i.sessionId,
          kind: i.kind,
          item_id: i.itemId,
          started_at: i.startedAt,
          ended_at: i.endedAt,
          seen_ms: i.seenMs,
        })
        .onConflict((oc) => oc.columns(['officer_id', 'id']).doNothing())
        .executeTakeFirst();
      added += Number(res.numInsertedOrUpdatedRows ?? 0);
    }
    return added;
  }

  /** Stores a mark; false if this officer already stored one with this id (a retry). */
  async addMark(officerId: string, m: DistressMark): Promise<boolean> {
    const res = await this.db
      .insertInto('distress_marks')
      .values({
        officer_id: officerId,
        id: m.id,
        session_id: m.sessionId,
        kind: m.kind,
        item_id: m.itemId,
        media_time: m.mediaTime,
        note: m.note,
        at: m.at,
      })
      .onConflict((oc) => oc.columns(['officer_id', 'id']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async mark(officerId: string, id: string): Promise<DistressMark | null> {
    const row = await this.db
      .selectFrom('distress_marks')
      .selectAll()
      .where('officer_id', '=', officerId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toMark(row) : null;
  }

  /** Intervals that ended in [from, to), one officer's or everyone's, with the officer's name. */
  async intervals(from: number, to: number, officerId?: string): Promise<SeenInterval[]> {
    let q = this.db
      .selectFrom('exposure_intervals as e')
      .innerJoin('officers as o', 'o.id', 'e.officer_id')
      .select(['e.officer_id', 'o.display_name', 'e.kind', 'e.started_at', 'e.ended_at', 'e.seen_ms'])
      .where('e.ended_at', '>=', from)
      .where('e.ended_at', '<', to);
    if (officerId) q = q.where('e.officer_id', '=', officerId);
    const rows = await q.execute();
    return rows.map((r) => ({
      officerId: r.officer_id,
      officerName: r.display_name,
      kind: r.kind === 'recorded' ? 'recorded' : 'live',
      startedAt: Number(r.started_at),
      endedAt: Number(r.ended_at),
      seenMs: Number(r.seen_ms),
    }));
  }

  /** Marks made in [from, to), one officer's or everyone's. */
  async marks(from: number, to: number, officerId?: string): Promise<OfficerMark[]> {
    let q = this.db
      .selectFrom('distress_marks as m')
      .innerJoin('officers as o', 'o.id', 'm.officer_id')
      .selectAll('m')
      .select('o.display_name')
      .where('m.at', '>=', from)
      .where('m.at', '<', to);
    if (officerId) q = q.where('m.officer_id', '=', officerId);
    const rows = await q.execute();
    return rows.map((r) => ({ ...toMark(r), officerId: r.officer_id, officerName: r.display_name }));
  }
}

function toMark(r: {
  id: string;
  session_id: string;
  kind: string;
  item_id: string | null;
  media_time: number | null;
  note: string | null;
  at: number;
}): DistressMark {
  return {
    id: r.id,
    sessionId: r.session_id,
    kind: r.kind === 'recorded' ? 'recorded' : 'live',
    itemId: r.item_id,
    mediaTime: r.media_time === null ? null : Number(r.media_time),
    note: r.note,
    at: Number(r.at),
  };
}
