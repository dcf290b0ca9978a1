import type { WebhookDelivery, WebhookDeliveryState, WebhookEventType } from '@sightline/protocol';
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../adapters/db/database.js';
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from '../adapters/db/webhook-schema.js';

export type EndpointRow = Selectable<WebhookEndpointsTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;

/** Webhook endpoints and their outbox of deliveries (the only SQL on these tables). */
export class WebhookRepository {
  constructor(private readonly db: Db) {}

  endpoints(): Promise<EndpointRow[]> {
    return this.db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').execute();
  }

  endpoint(id: string): Promise<EndpointRow | undefined> {
    return this.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insertEndpoint(row: Insertable<WebhookEndpointsTable>): Promise<void> {
    await this.db.insertInto('webhook_endpoints').values(row).execute();
  }

  async updateEndpoint(id: string, patch: Updateable<WebhookEndpointsTable>): Promise<void> {
    await this.db.updateTable('webhook_endpoints').set(patch).where('id', '=', id).execute();
  }

  /** Deliveries newest first, optionally in one state. */
  async deliveries(filter: { state?: WebhookDeliveryState; limit: number }): Promise<WebhookDelivery[]> {
    let q = this.db.selectFrom('webhook_deliveries').selectAll().orderBy('created_at', 'desc').orderBy('id');
    if (filter.state) q = q.where('state', '=', filter.state);
    return (await q.limit(filter.limit).execute()).map(toDelivery);
  }

  delivery(id: string): Promise<DeliveryRow | undefined> {
    return this.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Pending deliveries of enabled endpoints whose time has come and whose lease is free or lapsed,
   * leaving out `skip` endpoints (those this instance is already sending to), so a slow endpoint's
   * backlog cannot fill the batch.
   */
  due(now: number, limit: number, skip: readonly string[] = []): Promise<DeliveryRow[]> {
    let q = this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .selectAll('d')
      .where('d.state', '=', 'pending')
      .where('e.enabled', '=', 1)
      .where('d.next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('d.lease_expires_at', 'is', null), eb('d.lease_expires_at', '<', now)]));
    if (skip.length > 0) q = q.where('d.endpoint_id', 'not in', skip);
    return q.orderBy('d.scheduled_at').orderBy('d.created_at').limit(limit).execute();
  }

  /**
   * Takes a due delivery for `owner` until `until`, only as `due()` saw it: still pending, still
   * due, with the same number of attempts (so a row another instance has meanwhile tried and
   * rescheduled is left alone), and its lease free or lapsed. Returns the row as claimed, read
   * again after the claim: its body may have changed since `due()` (a newer location fix
   * replaces an untried one), and the claim now keeps it from changing. Undefined when another
   * instance got there first.
   */
  async claim(row: DeliveryRow, owner: string, now: number, until: number): Promise<DeliveryRow | undefined> {
    const res = await this.db
      .updateTable('webhook_deliveries')
      .set({ lease_owner: owner, lease_expires_at: until })
      .where('id', '=', row.id)
      .where('state', '=', 'pending')
      .where('attempts', '=', Number(row.attempts))
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', now)]))
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return undefined;
    return this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', row.id)
      .where('lease_owner', '=', owner)
      .where('lease_expires_at', '=', until)
      .executeTakeFirst();
  }

  /** Records an attempt's outcome and frees the lease, if `owner` still holds it. */
  async finish(id: string, owner: string, patch: Updateable<WebhookDeliveriesTable>): Promise<boolean> {
    const res = await this.db
      .updateTable('webhook_deliveries')
      .set({ ...patch, lease_owner: null, lease_expires_at: null })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Puts a dead delivery back in the queue for a fresh round of attempts; false if it is not dead. */
  async requeueDead(id: string, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('webhook_deliveries')
      .set({ state: 'pending', attempts: 0, next_attempt_at: now, lease_owner: null, lease_expires_at: null })
      .where('id', '=', id)
      .where('state', '=', 'dead')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /**
   * Deletes delivered rows delivered before `deliveredBefore` and dead rows last tried before
   * `deadBefore` (each holds a CAD reference, and positions); pending rows are never touched.
   */
  async purge(
    deliveredBefore: number,
    deadBefore: number,
    db: Db = this.db,
  ): Promise<{ delivered: number; dead: number }> {
    const delivered = await db
      .deleteFrom('webhook_deliveries')
      .where('state', '=', 'delivered')
      .where('delivered_at', '<', deliveredBefore)
      .executeTakeFirst();
    const dead = await db
      .deleteFrom('webhook_deliveries')
      .where('state', '=', 'dead')
      .where('last_attempt_at', '<', deadBefore)
      .executeTakeFirst();
    return { delivered: Number(delivered.numDeletedRows), dead: Number(dead.numDeletedRows) };
  }

  /** Deliveries waiting (pending) and given up (dead), across every instance (the backlog metric). */
  async backlog(): Promise<Record<'pending' | 'dead', number>> {
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .select((eb) => ['state', eb.fn.countAll().as('n')])
      .where('state', 'in', ['pending', 'dead'])
      .groupBy('state')
      .execute();
    const out = { pending: 0, dead: 0 };
    for (const r of rows) out[r.state as 'pending' | 'dead'] = Number(r.n);
    return out;
  }
}

export function toDelivery(r: DeliveryRow): WebhookDelivery {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: r.id,
    endpointId: r.endpoint_id,
    eventId: r.event_id,
    eventType: r.event_type as WebhookEventType,
    sessionId: r.session_id,
    state: r.state as WebhookDeliveryState,
    attempts: Number(r.attempts),
    nextAttemptAt: r.state === 'pending' ? n(r.next_attempt_at) : null,
    lastAttemptAt: n(r.last_attempt_at),
    lastStatus: n(r.last_status),
    lastError: r.last_error,
    createdAt: Number(r.created_at),
    deliveredAt: n(r.delivered_at),
  };
}
