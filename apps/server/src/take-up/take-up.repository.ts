import { type FailureReason, FeedbackAnswer, Language, SessionMode } from '@sightline/protocol';
import type { Db } from '../adapters/db/database.js';
import type { CallerFeedbackPendingTable } from '../adapters/db/take-up-schema.js';
import { withTransaction } from '../adapters/db/transaction.js';
import type { FeedbackFacts, SessionFacts } from './take-up-figures.js';

/**
 * Timeline events that say why a caller could not take part. The network is read from the
 * session's record instead (see `sessions`): a stop the video came back from is no failure.
 */
export const FAILURE_EVENTS: Record<string, FailureReason> = {
  'caller.in_app_browser': 'inAppBrowser',
  'permission.camera.denied': 'cameraDenied',
  'caller.no_webrtc': 'noWebrtc',
};

/**
 * Adds "network" when the session ended while its video was stopped (the server's liveness
 * check, never cleared by video that came back) and the caller had not pressed Stop. A stop
 * the video resumed from is no failure. A caller who closed the tab without Stop looks the same
 * as a lost network to the server, and counts here.
 */
function withNetwork(
  found: ReadonlySet<FailureReason> | undefined,
  r: { ended_at: number | null; end_reason: string | null; video_stopped_at: number | null },
): ReadonlySet<FailureReason> {
  const lost = r.ended_at !== null && r.video_stopped_at !== null && r.end_reason !== 'caller_stopped';
  return lost ? new Set([...(found ?? []), 'network']) : (found ?? new Set());
}

/** The take-up report's reads (session records, texts' delivery, timelines) and the feedback table. */
export class TakeUpRepository {
  constructor(private readonly db: Db) {}

  /**
   * Facts of every session whose link was first texted in [from, to). A session counts as sent
   * when its first text went (its first sms_deliveries row), not when it was made: a scheduled
   * check is made days before its text goes, and one cancelled or not yet due was never sent.
   */
  async sessions(from: number, to: number): Promise<SessionFacts[]> {
    const firstText = this.db
      .selectFrom('sms_deliveries')
      .select(['session_id', (eb) => eb.fn.min('created_at').as('sent_at')])
      .groupBy('session_id')
      .having((eb) => eb.fn.min('created_at'), '>=', from)
      .having((eb) => eb.fn.min('created_at'), '<', to);
    const inRange = (db: Db) => db.selectFrom(firstText.as('f')).select('f.session_id');
    const [rows, delivered, events] = await Promise.all([
      this.db
        .selectFrom('sessions')
        .innerJoin(firstText.as('f'), 'f.session_id', 'sessions.id')
        .select([
          'id',
          'f.sent_at',
          'team',
          'mode',
          'opened_at',
          'consented_at',
          'refused_at',
          'live_at',
          'ended_at',
          'end_reason',
          'video_stopped_at',
        ])
        .execute(),
      this.db
        .selectFrom('sms_deliveries')
        .select('session_id')
        .distinct()
        .where('status', '=', 'delivered')
        .where('session_id', 'in', inRange(this.db))
        .execute(),
      this.db
        .selectFrom('session_events')
        .select(['session_id', 'type'])
        .distinct()
        .where('type', 'in', Object.keys(FAILURE_EVENTS))
        .where('session_id', 'in', inRange(this.db))
        .execute(),
    ]);
    const deliveredIds = new Set(delivered.map((d) => d.session_id));
    const failures = new Map<string, Set<FailureReason>>();
    for (const e of events) {
      const set = failures.get(e.session_id) ?? new Set();
      set.add(FAILURE_EVENTS[e.type]!);
      failures.set(e.session_id, set);
    }
    const ms = (v: number | null) => (v === null ? null : Number(v));
    return rows.map((r) => ({
      sentAt: Number(r.sent_at),
      team: r.team,
      mode: SessionMode.catch('video').parse(r.mode),
      delivered: deliveredIds.has(r.id),
      openedAt: ms(r.opened_at),
      consentedAt: ms(r.consented_at),
      refusedAt: ms(r.refused_at),
      liveAt: ms(r.live_at),
      failures: withNetwork(failures.get(r.id), r),
    }));
  }

  /** Answers for links sent on days in [from, to). */
  async feedback(from: number, to: number): Promise<FeedbackFacts[]> {
    const rows = await this.db
      .selectFrom('caller_feedback')
      .selectAll()
      .where('sent_day', '>=', from)
      .where('sent_day', '<', to)
      .execute();
    return rows.map((r) => ({
      sentDay: Number(r.sent_day),
      team: r.team,
      mode: SessionMode.catch('video').parse(r.mode),
      language: Language.catch('en').parse(r.language),
      answer: FeedbackAnswer.catch('unsure').parse(r.answer),
      text: r.text,
    }));
  }

  /**
   * Marks the session "feedback given" and holds the answer for the sweep, in one transaction;
   * false (and nothing stored) if it was already given. The flag is the only link between the two.
   */
  async give(sessionId: string, answer: CallerFeedbackPendingTable): Promise<boolean> {
    return withTransaction(this.db, async (trx) => {
      const res = await trx
        .updateTable('sessions')
        .set({ feedback_given: 1 })
        .where('id', '=', sessionId)
        .where('feedback_given', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await trx.insertInto('caller_feedback_pending').values(answer).execute();
      return true;
    });
  }

  /**
   * Moves the held answers into caller_feedback once there are `batch` of them or one was given
   * before `today`; returns how many. They go in one transaction (one PostgreSQL xmin) in the order
   * of their random ids, so neither SQLite's rowids nor the table's order follow the answers'.
   */
  async release(today: number, batch: number): Promise<number> {
    return withTransaction(this.db, async (trx) => {
      const held = await trx.selectFrom('caller_feedback_pending').selectAll().orderBy('id').execute();
      if (held.length < batch && !held.some((h) => Number(h.held_day) < today)) return 0;
      await trx
        .insertInto('caller_feedback')
        .values(held.map(({ held_day: _, ...answer }) => answer))
        .execute();
      await trx
        .deleteFrom('caller_feedback_pending')
        .where(
          'id',
          'in',
          held.map((h) => h.id),
        )
        .execute();
      return held.length;
    });
  }

  /** Erases the free texts of links sent before `sentBefore`; returns how many. */
  async purgeTexts(sentBefore: number): Promise<number> {
    const res = await this.db
      .updateTable('caller_feedback')
      .set({ text: null })
      .where('text', 'is not', null)
      .where('sent_day', '<', sentBefore)
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  /** The session a link's token (its SHA-256) belongs to. */
  async sessionByTokenHash(hash: string): Promise<{ id: string; state: string; mode: string } | undefined> {
    return this.db
      .selectFrom('sessions')
      .select(['id', 'state', 'mode'])
      .where('token_hash', '=', hash)
      .executeTakeFirst();
  }

  /** When the session's link was first texted; null if it never was. */
  async firstTextAt(sessionId: string): Promise<number | null> {
    const row = await this.db
      .selectFrom('sms_deliveries')
      .select((eb) => eb.fn.min('created_at').as('at'))
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
    return row?.at == null ? null : Number(row.at);
  }

  /** Whether the session's timeline already has an event of this type. */
  async hasEvent(sessionId: string, type: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('session_events')
      .select('id')
      .where('session_id', '=', sessionId)
      .where('type', '=', type)
      .executeTakeFirst();
    return row !== undefined;
  }
}
