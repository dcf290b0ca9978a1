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

  /** Pending deliveries of enabled endpoints whose time has come and whose lease is free or lapsed. */
  due(now: number, limit: number): Promise<DeliveryRow[]> {
    return this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .selectAll('d')
      .where('d.state', '=', 'pending')
      .where('e.enabled', '=', 1)
      .where('d.next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('d.lease_expires_at', 'is', null), eb('d.lease_expires_at', '<', now)]))
      .orderBy('d.scheduled_at')
      .orderBy('d.created_at')
      .limit(limit)
      .execute();
  }

  /** Takes a due delivery for `owner` until `until`; false when another instance took it first. */
  async claim(row: DeliveryRow, owner: string, now: number, until: number): Promise<boolean> {
    const res = await this.db
      .updateTable('webhook_deliveries')
      .set({ lease_owner: owner, lease_expires_at: until })
      .where('id', '=', row.id)
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', now)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
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
