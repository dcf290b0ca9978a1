import type { OutboxMessage } from '@sightline/protocol';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { SecretBox } from '../keys/secret-box.js';
import type { Random } from '../random.js';
import type { SendResult, SmsGateway, SmsMessage } from './sms-gateway.js';

/** What stands in for a link token wherever the link is not to be read. */
const TOKEN_IN_LINK = /(\/j\/)[A-Za-z0-9_-]{16,}/g;
const MASKED = '/j/••••••••';
export const maskLink = (text: string): string => text.replace(TOKEN_IN_LINK, MASKED);

/**
 * The default gateway: keeps each message in a table the console shows, so the
 * whole flow works with no SMS account. A caller's link is the caller's: the
 * table holds the text with the link masked, and the link itself sealed with a
 * key kept outside the database. Only the officer who sent it reads it, and only
 * until the caller opens it or it expires; then the sealed copy is erased.
 * Numbers are shown masked, as everywhere else in the console.
 */
export class OutboxGateway implements SmsGateway {
  readonly name = 'outbox' as const;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly box: SecretBox,
    private readonly onChange: () => void,
  ) {}

  async send(message: SmsMessage): Promise<SendResult> {
    const id = this.random.id();
    const secret = message.secret;
    await this.db
      .insertInto('sms_outbox')
      .values({
        id,
        session_id: message.sessionId,
        to_e164: message.to,
        body: secret ? message.body.replaceAll(secret, maskLink(secret)) : message.body,
        link_sealed: secret ? this.box.seal(secret, id) : null,
        created_at: this.clock.now(),
        status: 'sent',
        provider_ref: `outbox:${id}`,
      })
      .execute();
    this.onChange();
    return { providerRef: `outbox:${id}`, status: 'sent' };
  }

  /** The newest texts as `officerId` may see them: their own live links in clear, nothing else. */
  async list(officerId: string, limit = 50): Promise<OutboxMessage[]> {
    const rows = await this.db
      .selectFrom('sms_outbox as o')
      .leftJoin('sessions as s', 's.id', 'o.session_id')
      .select([
        'o.id',
        'o.session_id',
        'o.to_e164',
        'o.body',
        'o.created_at',
        'o.status',
        'o.link_sealed',
        's.created_by',
        's.state',
        's.expires_at',
        's.phone_masked',
      ])
      .orderBy('o.created_at', 'desc')
      .limit(limit)
      .execute();
    const now = this.clock.now();
    const stale: string[] = [];
    const messages = rows.map((r) => {
      const mine = r.created_by === officerId;
      const live = r.state === 'sent' && Number(r.expires_at) > now;
      if (r.link_sealed && !live) stale.push(r.id);
      const link = r.link_sealed && mine && live ? this.box.open(r.link_sealed, r.id) : null;
      const body = link ? r.body.replace(maskLink(link), link) : r.body;
      return {
        id: r.id,
        sessionId: r.session_id,
        to: r.phone_masked ?? maskNumber(r.to_e164),
        body,
        createdAt: Number(r.created_at),
        status: r.status as OutboxMessage['status'],
        mine,
        linkHidden: !link && r.body.includes(MASKED),
      };
    });
    // A link nobody can use any more is erased rather than kept sealed.
    if (stale.length)
      await this.db.updateTable('sms_outbox').set({ link_sealed: null }).where('id', 'in', stale).execute();
    return messages;
  }

  /** Erases the sealed link of a session's texts (called once the link is opened, expired or ended). */
  async forget(sessionId: string): Promise<void> {
    const res = await this.db
      .updateTable('sms_outbox')
      .set({ link_sealed: null })
      .where('session_id', '=', sessionId)
      .where('link_sealed', 'is not', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) > 0) this.onChange();
  }
}

/** For a text with no session to take the masked number from: the last three digits only. */
function maskNumber(e164: string): string {
  return `${'•'.repeat(Math.max(0, e164.length - 4))}${e164.slice(-3)}`;
}
