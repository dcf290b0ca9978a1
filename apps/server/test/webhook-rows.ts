import type { Db } from '../src/adapters/db/database.js';

/**
 * A webhook endpoint written straight to the database, for tests of the outbox and the sender
 * below the admin API. Enabled unless told otherwise (a disabled one's deliveries are never
 * taken by a running sender); its secret is not a real sealed one.
 */
export async function rawEndpoint(
  db: Db,
  id: string,
  o: { events?: string[]; enabled?: 0 | 1 } = {},
): Promise<void> {
  const now = Date.now();
  await db
    .insertInto('webhook_endpoints')
    .values({
      id,
      url: 'https://cad.example/hook',
      description: '',
      events: JSON.stringify(o.events ?? ['session.location']),
      enabled: o.enabled ?? 1,
      disabled_reason: o.enabled === 0 ? 'test' : null,
      secret_sealed: 'x',
      previous_secret_sealed: null,
      previous_secret_until: null,
      secret_rotated_at: null,
      created_by: 'test',
      created_at: now,
      updated_at: now,
    })
    .execute();
}
