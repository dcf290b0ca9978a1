import type { OutboxMessage } from '@sightline/protocol';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { Random } from '../random.js';
import type { SmsGateway, SmsMessage } from './sms-gateway.js';

/**
 * The default gateway: keeps each message in a table the console shows, so the
 * whole flow works with no SMS account. The link is readable there by officers
 * with `outbox:read`; configure a real gateway for live use.
 */
export class OutboxGateway implements SmsGateway {
  readonly name = 'outbox';

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly onChange: () => void,
  ) {}

  async send(message: SmsMessage): Promise<{ providerRef: string }> {
    const id = this.random.id();
    await this.db
      .insertInto('sms_outbox')
      .values({
        id,
        session_id: message.sessionId,
        to_e164: message.to,
        body: message.body,
        created_at: this.clock.now(),
        status: 'sent',
        provider_ref: `outbox:${id}`,
      })
      .execute();
    this.onChange();
    return { providerRef: `outbox:${id}` };
  }

  async list(limit = 50): Promise<OutboxMessage[]> {
    const rows = await this.db
      .selectFrom('sms_outbox')
      .selectAll()
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      sessionId: r.session_id,
      to: r.to_e164,
      body: r.body,
      createdAt: Number(r.created_at),
      status: r.status as OutboxMessage['status'],
    }));
  }
}
