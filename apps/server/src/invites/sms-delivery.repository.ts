import type { TextDelivery, TextRoute, TextStatus } from '@sightline/protocol';
import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../adapters/db/database.js';
import type { SmsDeliveriesTable } from '../adapters/db/sms-schema.js';
import type { RecentInvites } from './invite-limits.js';

export type DeliveryRow = Selectable<SmsDeliveriesTable>;

/** How far along a status is; a report never moves a text backwards (receipts can arrive out of order). */
const RANK: Record<TextStatus, number> = { queued: 0, sent: 1, delivered: 2, failed: 2 };
const BEFORE: Record<TextStatus, TextStatus[]> = {
  queued: [],
  sent: ['queued'],
  delivered: ['queued', 'sent'],
  failed: ['queued', 'sent'],
};

/** The sms_deliveries table: one row per attempt (see SmsDeliveriesTable). */
export class SmsDeliveryRepository implements RecentInvites {
  constructor(private readonly db: Db) {}

  /** Inserts an attempt; a unique violation means its (key, try) was taken already. */
  async insert(row: Insertable<SmsDeliveriesTable>): Promise<void> {
    await this.db.insertInto('sms_deliveries').values(row).execute();
  }

  byKey(key: string): Promise<DeliveryRow[]> {
    return this.db
      .selectFrom('sms_deliveries')
      .selectAll()
      .where('idempotency_key', '=', key)
      .orderBy('try_no')
      .execute();
  }

  byRef(gateway: string, providerRef: string): Promise<DeliveryRow | undefined> {
    return this.db
      .selectFrom('sms_deliveries')
      .selectAll()
      .where('gateway', '=', gateway)
      .where('provider_ref', '=', providerRef)
      .executeTakeFirst();
  }

  /** Texts of a gateway whose reference is any of `refs`. */
  byRefs(gateway: string, refs: string[]): Promise<DeliveryRow[]> {
    if (refs.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('sms_deliveries')
      .selectAll()
      .where('gateway', '=', gateway)
      .where('provider_ref', 'in', refs)
      .limit(2)
      .execute();
  }

  forSession(sessionId: string): Promise<DeliveryRow[]> {
    return this.db
      .selectFrom('sms_deliveries')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('attempt')
      .orderBy('try_no')
      .execute();
  }

  async nextAttempt(sessionId: string): Promise<number> {
    const row = await this.db
      .selectFrom('sms_deliveries')
      .select((e) => e.fn.max('attempt').as('n'))
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
    return Number(row?.n ?? 0) + 1;
  }

  /** The provider took the text. */
  async accepted(id: string, providerRef: string, status: TextStatus, now: number): Promise<void> {
    await this.db
      .updateTable('sms_deliveries')
      .set({
        provider_ref: providerRef,
        status,
        updated_at: now,
        ...(status === 'delivered' ? { delivered_at: now } : {}),
      })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .execute();
  }

  /** Sending failed here (kind from SmsSendError), or the provider reported it failed; true if it changed the row. */
  async failed(id: string, reason: string, kind: string, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('sms_deliveries')
      .set({ status: 'failed', failure_reason: reason, failure_kind: kind, updated_at: now })
      .where('id', '=', id)
      .where('status', 'in', BEFORE.failed)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Claimed texts that never got a provider's answer and were created before a time (oldest first, bounded). */
  unanswered(before: number, limit = 100): Promise<DeliveryRow[]> {
    return this.db
      .selectFrom('sms_deliveries')
      .selectAll()
      .where('status', '=', 'queued')
      .where('provider_ref', 'is', null)
      .where('created_at', '<', before)
      .orderBy('created_at')
      .limit(limit)
      .execute();
  }

  /**
   * A text recorded as failed-and-uncertain that the provider did take after all (its answer came
   * after the timeout): it gets the provider's id and is 'sent'; true if it changed the row.
   */
  async adopt(id: string, gateway: string, providerRef: string, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('sms_deliveries')
      .set({
        provider_ref: providerRef,
        status: 'sent',
        failure_reason: null,
        failure_kind: null,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('gateway', '=', gateway)
      .where('provider_ref', 'is', null)
      .where('failure_kind', '=', 'ambiguous')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Applies a later report if it moves the text forward; true if it did. */
  async advance(id: string, status: TextStatus, reason: string | null, now: number): Promise<boolean> {
    if (RANK[status] === 0) return false;
    const res = await this.db
      .updateTable('sms_deliveries')
      .set({
        status,
        updated_at: now,
        ...(status === 'failed' ? { failure_reason: reason, failure_kind: 'provider' } : {}),
        ...(status === 'delivered' ? { delivered_at: now } : {}),
      })
      .where('id', '=', id)
      .where('status', 'in', BEFORE[status])
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** The newest sealed link of a session (for a resend), with the row it is sealed to. */
  sealedLink(sessionId: string): Promise<{ id: string; link_sealed: string | null } | undefined> {
    return this.db
      .selectFrom('sms_deliveries')
      .select(['id', 'link_sealed'])
      .where('session_id', '=', sessionId)
      .where('link_sealed', 'is not', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
  }

  /** Erases a session's sealed links; true if there were any. */
  async forget(sessionId: string): Promise<boolean> {
    const res = await this.db
      .updateTable('sms_deliveries')
      .set({ link_sealed: null })
      .where('session_id', '=', sessionId)
      .where('link_sealed', 'is not', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /**
   * Erases the sealed links of sessions whose link can no longer be used (opened, ended or past
   * expiry): the catch-all for an instance that stopped before erasing on the state change.
   */
  async forgetSpent(now: number): Promise<number> {
    const res = await this.db
      .updateTable('sms_deliveries')
      .set({ link_sealed: null })
      .where('link_sealed', 'is not', null)
      .where('session_id', 'in', (eb) =>
        eb
          .selectFrom('sessions')
          .select('id')
          .where((w) => w.or([w('state', '<>', 'sent'), w('expires_at', '<=', now)])),
      )
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  /** Texts a provider has not finished with, for polling (oldest first, bounded). */
  pending(gateway: string, since: number, limit = 100): Promise<DeliveryRow[]> {
    return this.db
      .selectFrom('sms_deliveries')
      .selectAll()
      .where('gateway', '=', gateway)
      .where('status', 'in', ['queued', 'sent'])
      .where('provider_ref', 'is not', null)
      .where('created_at', '>', since)
      .orderBy('created_at')
      .limit(limit)
      .execute();
  }

  /**
   * Presses of Send (and resend) to a number or by an officer since a time: the limits count
   * texts, not sessions. A fallback try is part of its press, so it is not counted again.
   */
  async recentInviteTimes(
    filter: { phoneE164: string } | { createdBy: string },
    since: number,
  ): Promise<number[]> {
    let q = this.db
      .selectFrom('sms_deliveries as d')
      .innerJoin('sessions as s', 's.id', 'd.session_id')
      .select('d.created_at')
      .where('d.try_no', '=', 1)
      .where('d.created_at', '>', since)
      // A scheduled check's text refused by these limits, or withdrawn on a cancel, never went.
      .where((eb) =>
        eb.or([eb('d.failure_kind', 'is', null), eb('d.failure_kind', 'not in', ['refused', 'cancelled'])]),
      );
    q =
      'phoneE164' in filter
        ? q.where('s.phone_e164', '=', filter.phoneE164)
        : q.where('d.officer_id', '=', filter.createdBy);
    const rows = await q.orderBy('d.created_at', 'asc').execute();
    return rows.map((r) => Number(r.created_at));
  }

  /** Each session's newest attempt, for the session summaries. */
  async latest(sessionIds: string[]): Promise<Map<string, TextDelivery>> {
    const out = new Map<string, TextDelivery>();
    if (sessionIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('sms_deliveries')
      .selectAll()
      .where('session_id', 'in', sessionIds)
      .orderBy('attempt')
      .orderBy('try_no')
      .execute();
    for (const r of rows) out.set(r.session_id, toTextDelivery(r));
    return out;
  }
}

export function toTextDelivery(r: DeliveryRow): TextDelivery {
  return {
    id: r.id,
    attempt: Number(r.attempt),
    tryNo: Number(r.try_no),
    route: r.route as TextRoute,
    gateway: r.gateway,
    status: r.status as TextStatus,
    reason: r.failure_reason,
    uncertain: r.failure_kind === 'ambiguous',
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
  };
}
