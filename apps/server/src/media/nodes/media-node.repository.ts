import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../../adapters/db/database.js';
import type { MediaNodesTable } from '../../adapters/db/schema.js';
import type { PlacementStore } from './media-nodes.js';

export type MediaNodeRow = Selectable<MediaNodesTable>;

/** Session states whose room may exist: a link opened and not yet ended. */
const ROOM_STATES = ['opened', 'consented', 'refused', 'live'];
const OPEN_RECORDING = ['recording', 'ingesting'];

/**
 * The media_nodes table (each node's registration, heartbeat and load) and the
 * media_node columns of sessions and recordings: which node holds what.
 */
export class MediaNodeRepository implements PlacementStore {
  constructor(private readonly db: Db) {}

  /** Registers a node, taking its row over from an earlier start under the same id. */
  async register(row: Insertable<MediaNodesTable>): Promise<void> {
    const { id: _id, ...rest } = row;
    await this.db
      .insertInto('media_nodes')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet(rest))
      .execute();
  }

  /** Records a heartbeat; false if another process has since taken the id over. */
  async heartbeat(
    id: string,
    incarnation: string,
    patch: { heartbeat_at: number; janus_up: number; rooms: number; publishers: number; cpu: number },
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('media_nodes')
      .set(patch)
      .where('id', '=', id)
      .where('incarnation', '=', incarnation)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** A clean stop: servers stop placing rooms here at once instead of waiting for the heartbeat to age. */
  async stopped(id: string, incarnation: string, at: number): Promise<void> {
    await this.db
      .updateTable('media_nodes')
      .set({ stopped_at: at, janus_up: 0 })
      .where('id', '=', id)
      .where('incarnation', '=', incarnation)
      .execute();
  }

  nodes(): Promise<MediaNodeRow[]> {
    return this.db.selectFrom('media_nodes').selectAll().orderBy('id').execute();
  }

  async sessionNode(sessionId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('sessions')
      .select('media_node')
      .where('id', '=', sessionId)
      .executeTakeFirst();
    return row?.media_node ?? null;
  }

  async claimSessionNode(sessionId: string, from: string | null, to: string): Promise<boolean> {
    let q = this.db.updateTable('sessions').set({ media_node: to }).where('id', '=', sessionId);
    q = from === null ? q.where('media_node', 'is', null) : q.where('media_node', '=', from);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async activeRooms(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('sessions')
      .select((eb) => ['media_node', eb.fn.countAll<number>().as('n')])
      .where('media_node', 'is not', null)
      .where('state', 'in', ROOM_STATES)
      .groupBy('media_node')
      .execute();
    return new Map(rows.map((r) => [r.media_node!, Number(r.n)]));
  }

  /** A node's live load as the database sees it: rooms of sessions in progress, recordings being written. */
  async loadOf(nodeId: string): Promise<{ rooms: number; publishers: number }> {
    const rooms = await this.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('media_node', '=', nodeId)
      .where('state', 'in', ROOM_STATES)
      .executeTakeFirst();
    const publishers = await this.db
      .selectFrom('recordings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('media_node', '=', nodeId)
      .where('state', '=', 'recording')
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    return { rooms: Number(rooms?.n ?? 0), publishers: Number(publishers?.n ?? 0) };
  }

  /** Recordings a node holds that are not yet evidence (being written, or waiting for ingest). */
  openRecordings(nodeId: string) {
    return this.db
      .selectFrom('recordings')
      .selectAll()
      .where('media_node', '=', nodeId)
      .where('state', 'in', OPEN_RECORDING)
      .orderBy('started_at')
      .execute();
  }

  /** Flags an open recording as stranded on a lost node; false if it was already flagged or finished. */
  async markNodeLost(recordingId: string, at: number): Promise<boolean> {
    const res = await this.db
      .updateTable('recordings')
      .set({ node_lost_at: at })
      .where('id', '=', recordingId)
      .where('node_lost_at', 'is', null)
      .where('state', 'in', OPEN_RECORDING)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** What is sealed of a recording: each file's last seal (bytes sealed and their SHA-256). */
  async sealedFiles(recordingId: string): Promise<Array<{ file: string; bytes: number; sha256: string }>> {
    const rows = await this.db
      .selectFrom('seals')
      .select(['file_name', 'offset', 'prefix_sha256', 'seq'])
      .where('recording_id', '=', recordingId)
      .orderBy('seq')
      .execute();
    const last = new Map(rows.map((r) => [r.file_name, r]));
    return [...last.values()].map((r) => ({
      file: r.file_name,
      bytes: Number(r.offset),
      sha256: r.prefix_sha256,
    }));
  }

  /** After a node restarts nothing on it is publishing (its rooms died with its Janus). */
  async clearPublishing(nodeId: string): Promise<number> {
    const res = await this.db
      .updateTable('sessions')
      .set({ publishing: 0 })
      .where('media_node', '=', nodeId)
      .where('publishing', '=', 1)
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }
}
