import { randomInt } from 'node:crypto';
import type {
  Language,
  ReceivedFix,
  SessionMode,
  SessionState,
  SessionSummary,
  TimelineEvent,
} from '@sightline/protocol';
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../adapters/db/database.js';
import type { LocationFixesTable, SessionsTable } from '../adapters/db/schema.js';
import { withTransaction } from '../adapters/db/transaction.js';
import { SmsDeliveryRepository } from '../invites/sms-delivery.repository.js';

export type SessionRow = Selectable<SessionsTable>;

/** A new session whose link is not opened yet: what its invite decides, everything else empty. */
/** The sending officer's team now, recorded on the session so the take-up report stays per team when they move. */
export async function senderTeam(db: Db, officerId: string): Promise<string | null> {
  const row = await db.selectFrom('officers').select('team').where('id', '=', officerId).executeTakeFirst();
  return row?.team ?? null;
}

export function unopenedSession(
  fields: Pick<
    Insertable<SessionsTable>,
    | 'id'
    | 'reference'
    | 'phone_e164'
    | 'phone_masked'
    | 'created_by'
    | 'created_at'
    | 'expires_at'
    | 'token_hash'
    | 'mode'
    | 'language'
  > &
    Partial<Insertable<SessionsTable>>,
): Insertable<SessionsTable> {
  return {
    state: 'sent',
    caller_secret_hash: null,
    caller_secret_expires_at: null,
    opened_at: null,
    consented_at: null,
    refused_at: null,
    live_at: null,
    ended_at: null,
    end_reason: null,
    caller_user_agent: null,
    publishing: 0,
    // Four digits read aloud by the call handler: the caller sees the same on the genuine page.
    verification_code: String(randomInt(0, 10_000)).padStart(4, '0'),
    ...fields,
  };
}

/** Reads and writes of sessions and their timelines. */
export class SessionRepository {
  constructor(private readonly db: Db) {}

  /** Runs `fn` in one transaction, with this repository and the handle on it (see withTransaction). */
  transaction<T>(fn: (repo: SessionRepository, trx: Db) => Promise<T>): Promise<T> {
    return withTransaction(this.db, (trx) => fn(new SessionRepository(trx), trx));
  }

  insert(row: Insertable<SessionsTable>): Promise<unknown> {
    return this.db.insertInto('sessions').values(row).execute();
  }

  byId(id: string): Promise<SessionRow | undefined> {
    return this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byTokenHash(hash: string): Promise<SessionRow | undefined> {
    return this.db.selectFrom('sessions').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  }

  byCallerSecretHash(hash: string): Promise<SessionRow | undefined> {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('caller_secret_hash', '=', hash)
      .executeTakeFirst();
  }

  /**
   * Applies `patch` only if the session is still in one of `from` (and, with `videoStopped`,
   * only if its video is or is not marked stopped): the check and the write are one statement,
   * so two racing transitions, on this instance or another, cannot both win.
   */
  async transition(
    id: string,
    from: readonly SessionState[],
    patch: Updateable<SessionsTable>,
    guard: { videoStopped?: boolean } = {},
  ): Promise<boolean> {
    let q = this.db
      .updateTable('sessions')
      .set(patch)
      .where('id', '=', id)
      .where('state', 'in', [...from]);
    if (guard.videoStopped !== undefined)
      q = q.where('video_stopped_at', guard.videoStopped ? 'is not' : 'is', null);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async update(id: string, patch: Updateable<SessionsTable>): Promise<void> {
    await this.db.updateTable('sessions').set(patch).where('id', '=', id).execute();
  }

  /** Creation times, oldest first, of invites to a number or by an officer since `since` (invite limits). */
  async recentInviteTimes(
    filter: { phoneE164: string } | { createdBy: string },
    since: number,
  ): Promise<number[]> {
    let q = this.db.selectFrom('sessions').select('created_at').where('created_at', '>', since);
    q =
      'phoneE164' in filter
        ? q.where('phone_e164', '=', filter.phoneE164)
        : q.where('created_by', '=', filter.createdBy);
    const rows = await q.orderBy('created_at', 'asc').execute();
    return rows.map((r) => Number(r.created_at));
  }

  /** Ids of unopened sessions whose link has expired. */
  async dueForExpiry(now: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .select('id')
      .where('state', '=', 'sent')
      .where('expires_at', '<=', now)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Location-only sessions whose sharing time is up. */
  async dueToStopSharing(now: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .select('id')
      .where('location_until', '<=', now)
      .where('state', 'in', ['opened', 'consented', 'live'])
      .execute();
    return rows.map((r) => r.id);
  }

  /** Sessions that were in progress when the server last stopped. */
  async unfinished(): Promise<SessionRow[]> {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('state', 'in', ['opened', 'consented', 'refused', 'live'])
      .execute();
  }

  async addEvent(sessionId: string, e: TimelineEvent): Promise<void> {
    await this.db
      .insertInto('session_events')
      .values({ id: e.id, session_id: sessionId, at: e.at, type: e.type, actor: e.actor, detail: e.detail })
      .execute();
  }

  async timeline(sessionId: string): Promise<TimelineEvent[]> {
    const rows = await this.db
      .selectFrom('session_events')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ id: r.id, at: Number(r.at), type: r.type, actor: r.actor, detail: r.detail }));
  }

  /** Summaries, newest first, with each session's creator and latest fix. */
  async summaries(filter: { ids?: string[]; limit?: number }): Promise<SessionSummary[]> {
    let q = this.db
      .selectFrom('sessions as s')
      .innerJoin('officers as o', 'o.id', 's.created_by')
      .selectAll('s')
      .select(['o.display_name as created_by_name'])
      .orderBy('s.created_at', 'desc');
    if (filter.ids) {
      if (filter.ids.length === 0) return [];
      q = q.where('s.id', 'in', filter.ids);
    }
    // The live list leaves out scheduled checks not yet texted or cancelled: the Checks page has those.
    else q = q.where('s.text_due_at', 'is', null).where('s.cancelled_at', 'is', null);
    if (filter.limit) q = q.limit(filter.limit);
    const rows = await q.execute();
    const ids = rows.map((r) => r.id);
    const [fixes, texts] = await Promise.all([
      this.latestFixes(ids),
      new SmsDeliveryRepository(this.db).latest(ids),
    ]);
    return rows.map((r) => ({
      ...toSummary(r, r.created_by_name, fixes.get(r.id) ?? null),
      text: texts.get(r.id) ?? null,
    }));
  }

  async latestFixes(sessionIds: string[]): Promise<Map<string, ReceivedFix>> {
    const out = new Map<string, ReceivedFix>();
    if (sessionIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('location_fixes')
      .selectAll()
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('location_fixes')
          .select((e) => e.fn.max('id').as('id'))
          .where('session_id', 'in', sessionIds)
          .groupBy('session_id'),
      )
      .execute();
    for (const r of rows) out.set(r.session_id, toFix(r));
    return out;
  }
}

export function toFix(r: Selectable<LocationFixesTable>): ReceivedFix {
  return {
    lat: r.lat,
    lon: r.lon,
    accuracy: r.accuracy,
    altitude: r.altitude,
    altitudeAccuracy: r.altitude_accuracy,
    heading: r.heading,
    speed: r.speed,
    fixTime: Number(r.fix_time),
    receivedAt: Number(r.received_at),
  };
}

const n = (v: number | null) => (v === null ? null : Number(v));

function toSummary(
  r: SessionRow,
  createdByName: string,
  lastFix: ReceivedFix | null,
): Omit<SessionSummary, 'text'> {
  return {
    id: r.id,
    reference: r.reference,
    phoneMasked: r.phone_masked,
    state: r.state as SessionState,
    mode: r.mode as SessionMode,
    language: r.language as Language,
    verificationCode: r.verification_code,
    locationUntil: n(r.location_until),
    createdAt: Number(r.created_at),
    createdBy: { id: r.created_by, name: createdByName },
    expiresAt: Number(r.expires_at),
    openedAt: n(r.opened_at),
    consentedAt: n(r.consented_at),
    liveAt: n(r.live_at),
    endedAt: n(r.ended_at),
    endReason: r.end_reason,
    publishing: r.publishing === 1,
    videoStoppedAt: n(r.video_stopped_at ?? null),
    videoStopReason: r.video_stop_reason ?? null,
    lastFix,
    incidentId: r.incident_id ?? null,
  };
}
