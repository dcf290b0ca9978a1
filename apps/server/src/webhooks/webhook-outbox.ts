import { createHash } from 'node:crypto';
import { WebhookEvent, type WebhookEventType } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import { afterCommit } from '../adapters/db/transaction.js';
import type { Random } from '../adapters/random.js';

/** Something that happened to a session, as a webhook will tell it. */
export type WebhookOccurrence = {
  [T in WebhookEventType]: {
    type: T;
    sessionId: string;
    occurredAt: number;
    data: Extract<WebhookEvent, { type: T }>['data'];
    /** A stable id when the change may be retried (export ready); a fresh one otherwise. */
    eventId?: string;
  };
}[WebhookEventType];

/**
 * The port services call, inside the transaction of the change itself, so that a webhook is
 * written exactly when the change commits: never lost to a crash after the commit, never sent
 * for a change that rolled back (docs/architecture.md, "Webhooks").
 */
export interface WebhookOutbox {
  record(trx: Db, e: WebhookOccurrence): Promise<void>;
}

/** For services built without webhooks (unit tests, tools). */
export const NO_WEBHOOKS: WebhookOutbox = { record: async () => {} };

/** An event id derived from what it is about, so a retried change writes the same event (de-duplicated). */
export function stableEventId(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Writes one delivery row per enabled endpoint subscribed to the event. Location events are
 * spaced per session and endpoint: a fix arriving while the previous one waits unsent replaces
 * it (the newest position is what a receiver wants), and a new one is not sent before
 * `locationIntervalMs` after the last.
 */
export class WebhookOutboxWriter implements WebhookOutbox {
  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly locationIntervalMs: number,
    /** Tells this instance's sender there is work (after the transaction commits). */
    private readonly nudge: () => void = () => {},
  ) {}

  async record(trx: Db, e: WebhookOccurrence): Promise<void> {
    const endpoints = (
      await trx.selectFrom('webhook_endpoints').select(['id', 'events']).where('enabled', '=', 1).execute()
    ).filter((ep) => (JSON.parse(ep.events) as string[]).includes(e.type));
    if (endpoints.length === 0) return;
    const session = await trx
      .selectFrom('sessions')
      .select('reference')
      .where('id', '=', e.sessionId)
      .executeTakeFirst();
    const eventId = e.eventId ?? this.random.id();
    const body = JSON.stringify(
      WebhookEvent.parse({
        id: eventId,
        type: e.type,
        occurredAt: e.occurredAt,
        sessionId: e.sessionId,
        reference: session?.reference ?? null,
        data: e.data,
      }),
    );
    const now = this.clock.now();
    for (const ep of endpoints) {
      let scheduledAt = now;
      if (e.type === 'session.location') {
        const last = await trx
          .selectFrom('webhook_deliveries')
          .select(['id', 'scheduled_at'])
          .where('endpoint_id', '=', ep.id)
          .where('session_id', '=', e.sessionId)
          .where('event_type', '=', e.type)
          .orderBy('scheduled_at', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (last) {
          // Not yet tried and not being tried: carry the newer fix instead.
          const replaced = await trx
            .updateTable('webhook_deliveries')
            .set({ event_id: eventId, body })
            .where('id', '=', last.id)
            .where('state', '=', 'pending')
            .where('attempts', '=', 0)
            .where('lease_owner', 'is', null)
            .executeTakeFirst();
          if (Number(replaced.numUpdatedRows) === 1) continue;
          scheduledAt = Math.max(now, Number(last.scheduled_at) + this.locationIntervalMs);
        }
      }
      await trx
        .insertInto('webhook_deliveries')
        .values({
          id: this.random.id(),
          endpoint_id: ep.id,
          event_id: eventId,
          event_type: e.type,
          session_id: e.sessionId,
          body,
          state: 'pending',
          attempts: 0,
          scheduled_at: scheduledAt,
          next_attempt_at: scheduledAt,
          last_attempt_at: null,
          last_status: null,
          last_error: null,
          lease_owner: null,
          lease_expires_at: null,
          created_at: now,
          delivered_at: null,
        })
        .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
        .execute();
    }
    // Once committed: before, the sender's look (on another connection) would not see the row.
    afterCommit(trx, this.nudge);
  }
}
