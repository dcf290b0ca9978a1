import type { Clock } from '../../adapters/clock.js';
import type { Db } from '../../adapters/db/database.js';
import type { LeaseRepository } from '../../jobs/lease.repository.js';
import type { Logger } from '../../lib/logger.js';
import type { AuditRow } from './siem-format.js';
import type { SiemTransport } from './siem-transport.js';

/** The one stream's name: its cursor row and (prefixed) its lease. */
export const SIEM_STREAM = 'audit';
const LEASE = `siem.${SIEM_STREAM}`;
const LEASE_MS = 15_000;
const IDLE_MS = 1_000;
// Below the lease, so a streamer waiting out an outage keeps it.
const MAX_BACKOFF_MS = 10_000;
/**
 * A stream transport calls a write done once the kernel has it, and the kernels of both ends can
 * hold megabytes (thousands of entries) the receiver never read. After a loss, everything the
 * connection carried within this many bytes of its end is sent again, however many entries.
 */
export const RESEND_BYTES = 32 * 1024 * 1024;

/** The persisted cursor: the last entry handed to the SIEM target. Shared by every instance. */
export class SiemCursors {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async read(name: string): Promise<number> {
    const row = await this.db
      .selectFrom('siem_cursors')
      .select('seq')
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? Number(row.seq) : 0;
  }

  /** Moves the cursor forward to `seq` (never back). */
  async advance(name: string, seq: number): Promise<void> {
    const now = this.clock.now();
    await this.db
      .insertInto('siem_cursors')
      .values({ name, seq, updated_at: now })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet({ seq, updated_at: now }).where('siem_cursors.seq', '<', seq),
      )
      .execute();
  }

  /** Moves the cursor back to `seq` (never forward), so entries after it are sent again. */
  async rewind(name: string, seq: number): Promise<void> {
    await this.db
      .updateTable('siem_cursors')
      .set({ seq, updated_at: this.clock.now() })
      .where('name', '=', name)
      .where('seq', '>', seq)
      .execute();
  }

  /** Entries after `seq`, oldest first. */
  after(seq: number, limit: number): Promise<AuditRow[]> {
    return this.db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', seq)
      .orderBy('seq')
      .limit(limit)
      .execute();
  }

  /** Entries not yet handed over, and how long the oldest of them has waited. */
  async backlog(name: string): Promise<{ entries: number; lagMs: number }> {
    const cursor = await this.read(name);
    const last = await this.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    const oldest = await this.db
      .selectFrom('audit_events')
      .select('at')
      .where('seq', '>', cursor)
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
    return {
      entries: Math.max(0, Number(last?.seq ?? 0) - cursor),
      lagMs: oldest ? Math.max(0, this.clock.now() - Number(oldest.at)) : 0,
    };
  }
}

export interface SiemStreamerDeps {
  cursors: SiemCursors;
  leases: LeaseRepository;
  /** This instance's lease owner name. */
  owner: string;
  transport: SiemTransport;
  /** One framed record per entry (a JSON line, or an octet-counted or bare syslog message). */
  frame: (row: AuditRow) => string;
  batch: number;
  /** After a connection fails, at most this many of the newest entries it carried are sent again. */
  resend: number;
  /** And every entry within this many bytes of the connection's end (default RESEND_BYTES). */
  resendBytes?: number;
  log: Logger;
  onSent?: (entries: number) => void;
  onFailure?: () => void;
}

/**
 * Streams the audit trail, in sequence order, from the persisted cursor. One instance of a
 * cluster streams at a time (a lease); another takes over where the cursor stands if it stops.
 * Delivery is at least once: the cursor moves only after a batch is written, and when a
 * connection fails the newest entries it carried are sent again on the next one (a SIEM drops
 * repeats by `seq`). No entry is sent twice on one connection.
 */
export class SiemStreamer {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> = Promise.resolve();
  #stopped = true;
  #leader = false;
  #failures = 0;
  /** The connection the last batch went on, the first and last entries it has carried. */
  #conn = -1;
  #connFirst = 0;
  #lastSent = 0;
  /** Bytes the connection carried, and where each recent batch began and ended in them. */
  #connBytes = 0;
  #batches: Array<{ first: number; end: number }> = [];
  #lost = new Set<number>();

  constructor(private readonly d: SiemStreamerDeps) {
    d.transport.onLost((connection) => this.#lost.add(connection));
  }

  /** After the connection in use failed: send its newest entries again, from the persisted cursor. */
  async #rewindIfLost(): Promise<void> {
    const hit = this.#lost.has(this.#conn);
    this.#lost.clear();
    if (!hit) return;
    this.#conn = -1;
    // The newest `resend` entries, and all that may still sit unread in either end's buffers.
    const byCount = this.#lastSent - this.d.resend + 1;
    const byBytes = this.#batches[0]?.first ?? this.#lastSent + 1;
    await this.d.cursors.rewind(SIEM_STREAM, Math.max(this.#connFirst, Math.min(byCount, byBytes)) - 1);
  }

  /** Notes a batch the connection carried; forgets those wholly further back than resendBytes. */
  #carried(first: number, bytes: number): void {
    this.#connBytes += bytes;
    this.#batches.push({ first, end: this.#connBytes });
    const from = this.#connBytes - (this.d.resendBytes ?? RESEND_BYTES);
    while (this.#batches.length && this.#batches[0]!.end <= from) this.#batches.shift();
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops streaming, closes the connection and gives the lease up. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    // Closing first fails a write stuck on a far end that does not read, so the round ends.
    await this.d.transport.close().catch(() => {});
    await this.#running;
    await this.d.transport.close().catch(() => {});
    if (this.#leader) await this.d.leases.release(LEASE, this.d.owner).catch(() => {});
    this.#leader = false;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.tick()
        .catch((err: unknown) => {
          this.d.log.error({ err }, 'siem: streaming the audit trail failed');
          return MAX_BACKOFF_MS;
        })
        .then((next) => this.#schedule(next));
    }, ms);
    this.#timer.unref();
  }

  /** One round: hold the lease, send the next batch. Resolves how long to wait before the next. */
  async tick(): Promise<number> {
    const leader = await this.d.leases.tryAcquire(LEASE, this.d.owner, LEASE_MS);
    if (!leader) {
      if (this.#leader) await this.d.transport.close().catch(() => {});
      this.#leader = false;
      return IDLE_MS * 2;
    }
    this.#leader = true;
    await this.#rewindIfLost();
    const cursor = await this.d.cursors.read(SIEM_STREAM);
    const rows = await this.d.cursors.after(cursor, this.d.batch);
    if (rows.length === 0) return IDLE_MS;
    const first = Number(rows[0]!.seq);
    const last = Number(rows.at(-1)!.seq);
    let connection: number;
    const records = rows.map(this.d.frame);
    try {
      connection = await this.d.transport.write(records);
    } catch (err) {
      this.#failures++;
      this.d.onFailure?.();
      if (this.#failures === 1)
        this.d.log.warn(
          { err, waiting: rows.length, fromSeq: first },
          'siem: the target does not take entries; they wait in the database and are sent when it is back',
        );
      return Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.#failures, 6));
    }
    if (connection !== this.#conn) {
      this.#conn = connection;
      this.#connFirst = first;
      this.#connBytes = 0;
      this.#batches = [];
    }
    this.#lastSent = last;
    this.#carried(
      first,
      records.reduce((n, r) => n + Buffer.byteLength(r), 0),
    );
    // Lost while this batch was written: it goes again, with what else the connection carried.
    if (this.#lost.has(connection)) {
      await this.#rewindIfLost();
      return 0;
    }
    await this.d.cursors.advance(SIEM_STREAM, last);
    if (this.#failures > 0) this.d.log.info({ fromSeq: first }, 'siem: the target takes entries again');
    this.#failures = 0;
    this.d.onSent?.(rows.length);
    return rows.length === this.d.batch ? 0 : IDLE_MS;
  }
}
