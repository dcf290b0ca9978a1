import type { EvidenceItem, EvidenceKind, Recording } from '@sightline/protocol';
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../adapters/db/database.js';
import type { EvidenceItemsTable, RecordingsTable } from '../adapters/db/schema.js';
import { withTransaction } from '../adapters/db/transaction.js';

export type RecordingRow = Selectable<RecordingsTable>;
export type EvidenceRow = Selectable<EvidenceItemsTable>;

/** Evidence rows are inserted, never updated or deleted. Recordings track their pipeline state. */
export class EvidenceRepository {
  constructor(private readonly db: Db) {}

  async insertRecording(row: Insertable<RecordingsTable>): Promise<void> {
    await this.db.insertInto('recordings').values(row).execute();
  }

  recording(id: string): Promise<RecordingRow | undefined> {
    return this.db.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async setRecording(id: string, patch: Updateable<RecordingsTable>): Promise<void> {
    await this.db.updateTable('recordings').set(patch).where('id', '=', id).execute();
  }

  /** The publisher left: the end time, unless one was already recorded. */
  async endRecording(id: string, at: number): Promise<void> {
    await this.db
      .updateTable('recordings')
      .set({ ended_at: at })
      .where('id', '=', id)
      .where('ended_at', 'is', null)
      .execute();
  }

  /**
   * Recordings the pipeline has not finished with (after a crash or restart): all of them,
   * or only those a given media node holds (a node recovers its own, never another's).
   */
  unfinishedRecordings(mediaNode?: string): Promise<RecordingRow[]> {
    let q = this.db.selectFrom('recordings').selectAll().where('state', 'in', ['recording', 'ingesting']);
    if (mediaNode !== undefined) q = q.where('media_node', '=', mediaNode);
    return q.orderBy('started_at').execute();
  }

  /** A session's recordings with their seal counts. */
  async recordings(sessionId: string): Promise<Recording[]> {
    const rows = await this.db
      .selectFrom('recordings as r')
      .leftJoin('seals as s', 's.recording_id', 'r.id')
      .selectAll('r')
      .select((eb) => [
        eb.fn.count<number>('s.id').as('seal_count'),
        eb.fn.max('s.recovered').as('any_recovered'),
      ])
      .where('r.session_id', '=', sessionId)
      .groupBy('r.id')
      .orderBy('r.started_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      sessionId: r.session_id,
      startedAt: Number(r.started_at),
      endedAt: r.ended_at === null ? null : Number(r.ended_at),
      mediaStartedAt: r.media_started_at === null ? null : Number(r.media_started_at),
      state: r.state as Recording['state'],
      videoCodec: r.video_codec,
      seals: Number(r.seal_count),
      recovered: Number(r.any_recovered ?? 0) === 1,
      source: r.source as NonNullable<Recording['source']>,
      interpreterId: r.interpreter_id,
    }));
  }

  /** Inserts an item; `alongside` runs in the same transaction (the webhook it causes). */
  async insertItem(
    row: Insertable<EvidenceItemsTable>,
    alongside?: (trx: Db) => Promise<void>,
  ): Promise<void> {
    await withTransaction(this.db, async (trx) => {
      await trx.insertInto('evidence_items').values(row).execute();
      await alongside?.(trx);
    });
  }

  item(id: string): Promise<EvidenceRow | undefined> {
    return this.db.selectFrom('evidence_items').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Ended sessions with location fixes but no location track stored: the store failed, or the
   * instance stopped, as the session ended. Disposed sessions are left alone.
   */
  async sessionsMissingLocationTrack(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('sessions as s')
      .select('s.id')
      .where('s.state', '=', 'ended')
      .where('s.disposed_at', 'is', null)
      .where(({ exists, selectFrom }) =>
        exists(selectFrom('location_fixes as f').select('f.id').whereRef('f.session_id', '=', 's.id')),
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('evidence_items as i')
              .select('i.id')
              .whereRef('i.session_id', '=', 's.id')
              .where('i.kind', '=', 'location-track'),
          ),
        ),
      )
      .execute();
    return rows.map((r) => r.id);
  }

  /** Whether any evidence is held (not disposed of): a store that is missing then is not new. */
  async holdsAny(): Promise<boolean> {
    const row = await this.db
      .selectFrom('evidence_items')
      .select('id')
      .where('disposed_at', 'is', null)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  itemByKey(key: string): Promise<EvidenceRow | undefined> {
    return this.db.selectFrom('evidence_items').selectAll().where('storage_key', '=', key).executeTakeFirst();
  }

  items(sessionId: string): Promise<EvidenceRow[]> {
    return this.db
      .selectFrom('evidence_items')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('created_at')
      .orderBy('kind')
      .execute();
  }
}

export function toEvidenceItem(r: EvidenceRow): EvidenceItem {
  return {
    id: r.id,
    sessionId: r.session_id,
    kind: r.kind as EvidenceKind,
    recordingId: r.recording_id,
    fileName: r.file_name,
    mediaType: r.media_type,
    sha256: r.sha256,
    size: Number(r.size),
    createdAt: Number(r.created_at),
    derivedFrom: JSON.parse(r.derived_from) as string[],
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    disposedAt: r.disposed_at === null ? null : Number(r.disposed_at),
  };
}
