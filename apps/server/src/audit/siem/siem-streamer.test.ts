import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../../adapters/db/database.js';
import { cryptoRandom } from '../../adapters/random.js';
import { LeaseRepository } from '../../jobs/lease.repository.js';
import { silentLogger } from '../../lib/logger.js';
import { AuditService, SYSTEM } from '../audit.service.js';
import { SIEM_STREAM, SiemCursors, SiemStreamer } from './siem-streamer.js';
import type { SiemTransport } from './siem-transport.js';

/** A transport whose connections the test opens, loses and fails at will. */
class FakeTransport implements SiemTransport {
  connection = 1;
  sent: Array<{ connection: number; seqs: number[] }> = [];
  failNext = false;
  /** Called after the write is accepted, before it resolves (a connection failing meanwhile). */
  duringWrite: (() => void) | null = null;
  #lost: Array<(c: number) => void> = [];
  async write(records: string[]): Promise<number> {
    if (this.failNext) throw new Error('ECONNREFUSED');
    this.sent.push({ connection: this.connection, seqs: records.map(Number) });
    const c = this.connection;
    this.duringWrite?.();
    this.duringWrite = null;
    return c;
  }
  onLost(l: (c: number) => void): void {
    this.#lost.push(l);
  }
  lose(): void {
    const c = this.connection++;
    for (const l of this.#lost) l(c);
  }
  async close(): Promise<void> {}
  seqsOn(connection: number) {
    return this.sent.filter((s) => s.connection === connection).flatMap((s) => s.seqs);
  }
}

describe('SiemStreamer', () => {
  let dir: string;
  let db: Db;
  let audit: AuditService;
  let transport: FakeTransport;
  const clock = { now: () => Date.now() };
  const streamer = (o: { owner?: string; resend?: number; resendBytes?: number } = {}) =>
    new SiemStreamer({
      cursors: new SiemCursors(db, clock),
      leases: new LeaseRepository(db, clock),
      owner: o.owner ?? 'a',
      transport,
      frame: (row) => String(row.seq),
      batch: 5,
      resend: o.resend ?? 3,
      resendBytes: o.resendBytes ?? 0,
      log: silentLogger,
    });
  const record = async (n: number) => {
    for (let i = 0; i < n; i++) await audit.record({ actor: SYSTEM, action: 'test' });
  };
  const cursor = () => new SiemCursors(db, clock).read(SIEM_STREAM);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'siem-streamer-'));
    db = openDatabase(`sqlite:${join(dir, 'db.sqlite')}`);
    await migrateToLatest(db);
    audit = new AuditService(db, clock, cryptoRandom, null);
    transport = new FakeTransport();
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends in sequence, a batch at a time, moving the cursor after each', async () => {
    await record(7);
    const s = streamer();
    expect(await s.tick()).toBe(0); // a full batch: go again at once
    expect(await cursor()).toBe(5);
    await s.tick();
    expect(transport.seqsOn(1)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await cursor()).toBe(7);
  });

  it('a failed write leaves the cursor where it was, and the same entries go next time', async () => {
    await record(3);
    const s = streamer();
    transport.failNext = true;
    expect(await s.tick()).toBeGreaterThan(0);
    expect(await cursor()).toBe(0);
    transport.failNext = false;
    await s.tick();
    expect(transport.seqsOn(1)).toEqual([1, 2, 3]);
  });

  it('after a lost connection the newest entries it carried go again on the next, at most `resend` of them', async () => {
    await record(10);
    const s = streamer({ resend: 3 });
    await s.tick();
    await s.tick();
    transport.lose();
    await record(2);
    await s.tick();
    expect(transport.seqsOn(1)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(transport.seqsOn(2)).toEqual([8, 9, 10, 11, 12]);
  });

  it('after a loss everything within resendBytes of the connection end goes again, beyond `resend` entries', async () => {
    await record(10);
    // Each record is its seq as text: 1 byte for 1-9, 2 bytes for 10; batches [1-5]=5 bytes, [6-10]=6.
    const s = streamer({ resend: 2, resendBytes: 7 });
    await s.tick();
    await s.tick();
    transport.lose();
    await s.tick();
    // The last 7 bytes reach into the first batch, so it all goes again (the count alone says 9, 10).
    expect(transport.seqsOn(2)).toEqual([1, 2, 3, 4, 5]);
    await s.tick();
    expect(transport.seqsOn(2)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('never resends what went on an earlier connection that was not lost', async () => {
    await record(4);
    const s = streamer({ resend: 100 });
    await s.tick();
    transport.connection = 2; // a new connection opened cleanly (the old one closed by us)
    await record(2);
    await s.tick();
    transport.lose();
    await s.tick();
    expect(transport.seqsOn(3)).toEqual([5, 6]);
  });

  it('a connection lost while its first batch is written: that batch goes again', async () => {
    await record(3);
    const s = streamer();
    transport.duringWrite = () => transport.lose();
    await s.tick();
    expect(await cursor()).toBe(0);
    await s.tick();
    expect(transport.seqsOn(2)).toEqual([1, 2, 3]);
  });

  it('sends nothing while another instance holds the lease', async () => {
    await record(2);
    await new LeaseRepository(db, clock).tryAcquire('siem.audit', 'b', 60_000);
    await streamer({ owner: 'a' }).tick();
    expect(transport.sent).toEqual([]);
  });
});
