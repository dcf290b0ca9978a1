import type { ChatMessage } from '@sightline/protocol';
import type { Selectable } from 'kysely';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import { isUniqueViolation } from '../adapters/db/errors.js';
import type { MessagesTable } from '../adapters/db/schema.js';
import type { Random } from '../adapters/random.js';
import type { EventPublisher } from '../events/event-bus.js';
import { DomainError } from '../lib/errors.js';
import type { SessionService } from '../sessions/session.service.js';

/** Tries at taking the next number while other instances take the same one (each failure means one of theirs succeeded). */
const MAX_SEQ_ATTEMPTS = 50;

type Sender = { from: 'caller' } | { from: 'officer'; id: string; name: string };

const CHATTABLE = ['opened', 'consented', 'refused', 'live'];
/** An officer may write before the caller opens the link (an introduction, the code); it waits for them. */
const OFFICER_CHATTABLE = ['sent', ...CHATTABLE];

/**
 * Text chat between caller and officers, kept as evidence. Messages get a server
 * order (`seq`); a resend with the same client id (after a reconnect) returns the
 * stored message instead of a duplicate. Receipts move a message to delivered,
 * then read, and only the other side can send them. Publishes `chat.message` and
 * `chat.status`, which reach the caller's socket and the consoles on any instance.
 */
export class ChatService {
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: Db,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly events: EventPublisher,
  ) {}

  async send(
    sessionId: string,
    sender: Sender,
    m: { clientId: string; text: string; sentAt?: number },
  ): Promise<ChatMessage> {
    // One writer per session at a time in this process, so its messages keep their arrival order;
    // across instances the unique index decides (see store()).
    const previous = this.#locks.get(sessionId) ?? Promise.resolve();
    const run = previous.then(() => this.store(sessionId, sender, m));
    this.#locks.set(
      sessionId,
      run.catch(() => {}),
    );
    return run;
  }

  private async store(
    sessionId: string,
    sender: Sender,
    m: { clientId: string; text: string; sentAt?: number },
  ): Promise<ChatMessage> {
    const session = await this.sessions.get(sessionId);
    if (!(sender.from === 'officer' ? OFFICER_CHATTABLE : CHATTABLE).includes(session.state))
      throw new DomainError('session_ended', 'this session is not open for messages');
    const existing = await this.find(sessionId, sender.from, m.clientId);
    if (existing) return toMessage(existing);
    const now = this.clock.now();
    const base = {
      id: this.random.id(),
      session_id: sessionId,
      sender: sender.from,
      officer_id: sender.from === 'officer' ? sender.id : null,
      officer_name: sender.from === 'officer' ? sender.name : null,
      text: m.text,
      client_id: m.clientId,
      // The caller's own time, if it is sane (queued offline messages keep theirs).
      sent_at: m.sentAt !== undefined && Math.abs(now - m.sentAt) < 24 * 3_600_000 ? m.sentAt : now,
      received_at: now,
      delivered_at: null,
      read_at: null,
    };
    // The next number is the highest so far plus one. The unique (session_id, seq) index decides
    // between writers: when another instance took that number first, the insert fails and this
    // one takes the next, so numbers never repeat and never skip.
    let row: typeof base & { seq: number };
    for (let attempt = 1; ; attempt++) {
      row = { ...base, seq: (await this.lastSeq(sessionId)) + 1 };
      try {
        await this.db.insertInto('messages').values(row).execute();
        break;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        // The same message, resent to another instance, may have been stored there meanwhile.
        const stored = await this.find(sessionId, sender.from, m.clientId);
        if (stored) return toMessage(stored);
        if (attempt >= MAX_SEQ_ATTEMPTS) throw err;
      }
    }
    const message = toMessage(row);
    this.events.publish('chat.message', { sessionId, message });
    this.events.publish('chat.status', {
      sessionId,
      id: row.id,
      clientId: row.client_id,
      from: sender.from,
      state: 'sent',
      at: now,
    });
    return message;
  }

  private find(sessionId: string, from: Sender['from'], clientId: string) {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('sender', '=', from)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
  }

  private async lastSeq(sessionId: string): Promise<number> {
    const last = await this.db
      .selectFrom('messages')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
    return Number(last?.seq ?? 0);
  }

  /** Marks the other side's messages delivered or read (read implies delivered). */
  async receipt(
    sessionId: string,
    by: 'caller' | 'officer',
    ids: string[],
    state: 'delivered' | 'read',
  ): Promise<void> {
    const other = by === 'caller' ? 'officer' : 'caller';
    const now = this.clock.now();
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('sender', '=', other)
      .where('id', 'in', ids)
      .execute();
    for (const r of rows) {
      const patch =
        state === 'read'
          ? { read_at: r.read_at ?? now, delivered_at: r.delivered_at ?? now }
          : { delivered_at: r.delivered_at ?? now };
      if ((state === 'read' && r.read_at !== null) || (state === 'delivered' && r.delivered_at !== null))
        continue;
      await this.db.updateTable('messages').set(patch).where('id', '=', r.id).execute();
      this.events.publish('chat.status', {
        sessionId,
        id: r.id,
        clientId: r.client_id,
        from: other,
        state,
        at: now,
      });
    }
  }

  async history(sessionId: string): Promise<ChatMessage[]> {
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('seq')
      .execute();
    return rows.map(toMessage);
  }
}

function toMessage(r: Selectable<MessagesTable>): ChatMessage {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: r.id,
    seq: Number(r.seq),
    from: r.sender as ChatMessage['from'],
    officerName: r.officer_name,
    text: r.text,
    clientId: r.client_id,
    sentAt: Number(r.sent_at),
    receivedAt: Number(r.received_at),
    deliveredAt: n(r.delivered_at),
    readAt: n(r.read_at),
  };
}
