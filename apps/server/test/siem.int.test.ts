import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createTcpServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { type RsyslogEngine, startRsyslog } from '@sightline/testkit/engines/rsyslog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/adapters/clock.js';
import { type Db, migrateToLatest, openDatabase } from '../src/adapters/db/database.js';
import { cryptoRandom } from '../src/adapters/random.js';
import { AuditService, SYSTEM } from '../src/audit/audit.service.js';
import { buildSiemStreamer } from '../src/audit/siem/siem.js';
import { SIEM_STREAM, SiemCursors } from '../src/audit/siem/siem-streamer.js';
import type { SiemConfig, SiemTarget } from '../src/config/siem-config.js';
import { LeaseRepository } from '../src/jobs/lease.repository.js';
import { silentLogger } from '../src/lib/logger.js';
import { eventually, startServer } from './harness.js';
import { selfSignedCert } from './self-signed.js';
import { freshDatabase } from './test-db.js';

// Real receivers: Debian's rsyslogd (imudp, imtcp) for UDP and TCP; for TLS (rsyslog's TLS
// driver is a separate package) and JSON over TCP, a socket server in this file.

const RFC5424 =
  /^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (\S+) (\S+) (\S+) (\S+) \[(\S+) seq="(\d+)" hash="([0-9a-f]{64})" prevHash="([0-9a-f]{64})" action="[^"]*"\] \uFEFF(\{.*\})$/su;
const work = mkdtempSync(join(tmpdir(), 'siem-int-'));
let rsyslog: RsyslogEngine;

beforeAll(async () => {
  rsyslog = await startRsyslog();
});
afterAll(async () => {
  await rsyslog?.stop();
});

/** The seqs rsyslogd received, in arrival order, each message checked as RFC 5424 on the way. */
async function rsyslogSeqs(): Promise<number[]> {
  return (await rsyslog.received()).map((r) => {
    const m = r.raw.match(RFC5424);
    if (!m) throw new Error(`not an RFC 5424 message: ${r.raw}`);
    const entry = JSON.parse(m[11]!) as { seq: number };
    // What rsyslog parsed agrees with what was sent.
    expect([r.version, r.app, r.msgid, `<${r.pri}>`]).toEqual(['1', 'sightline', 'audit', `<${m[1]}>`]);
    expect(entry.seq).toBe(Number(m[8]));
    return entry.seq;
  });
}

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Every seq from 1 to `last` arrived, and in order within each connection: runs of +1, each restarting lower. */
function checkArrivals(seqs: number[], last: number, connections: number) {
  expect([...new Set(seqs)].sort((a, b) => a - b)).toEqual(upTo(last));
  const runs: number[][] = [];
  for (const s of seqs) {
    const run = runs.at(-1);
    if (run && s === run.at(-1)! + 1) run.push(s);
    else runs.push([s]);
  }
  // A new run only where a connection started again (resending its newest entries).
  expect(runs.length).toBeLessThanOrEqual(connections);
}

async function lastSeq(db: Db): Promise<number> {
  const r = await db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.max('seq').as('s'))
    .executeTakeFirst();
  return Number(r?.s ?? 0);
}

async function metric(url: string, token: string, name: string): Promise<number> {
  const text = await (
    await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })
  ).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : Number.NaN;
}

describe('the audit trail streamed to a SIEM', () => {
  it('syslog over TCP to rsyslogd: in order, RFC 5424, waits while the receiver is down, and a restarted server resumes from its cursor', async () => {
    const dataDir = mkdtempSync(join(work, 'data-'));
    const database = await freshDatabase();
    const token = 'metrics-token-for-the-siem-test-0123';
    const env = {
      SIGHTLINE_DATA_DIR: dataDir,
      SIGHTLINE_DATABASE_URL: database?.url ?? `sqlite:${join(dataDir, 'sightline.db')}`,
      SIGHTLINE_SIEM_TARGET: `syslog+tcp://127.0.0.1:${rsyslog.tcpPort}`,
      SIGHTLINE_SIEM_FACILITY: '10',
      SIGHTLINE_SIEM_SEVERITY: '5',
      SIGHTLINE_METRICS_TOKEN: token,
    };
    const record = (s: Awaited<ReturnType<typeof startServer>>, n: number) =>
      Promise.all(
        Array.from({ length: n }, (_, i) =>
          s.c.audit.record({ actor: SYSTEM, action: 'siem.test', detail: { n: i } }),
        ),
      );
    let s = await startServer({ env });
    try {
      await record(s, 5);
      let last = await lastSeq(s.c.db);
      await eventually(async () => (await rsyslogSeqs()).length >= last, 20_000);
      expect(await rsyslogSeqs()).toEqual(upTo(last));
      const first = (await rsyslog.received())[0]!;
      expect(first.pri).toBe(String(10 * 8 + 5));
      expect(first.procid).toBe(s.c.instanceId);

      // The receiver goes away: entries wait in the database, and the backlog shows it.
      await rsyslog.kill();
      await record(s, 5);
      last = await lastSeq(s.c.db);
      await eventually(async () => (await metric(s.url, token, 'sightline_siem_failures_total')) > 0, 20_000);
      expect(await metric(s.url, token, 'sightline_siem_backlog_entries')).toBeGreaterThanOrEqual(5);
      expect(await metric(s.url, token, 'sightline_siem_lag_seconds')).toBeGreaterThan(0);
      await rsyslog.start();
      await eventually(async () => new Set(await rsyslogSeqs()).size >= last, 40_000);
      checkArrivals(await rsyslogSeqs(), last, 2);
      await eventually(async () => (await metric(s.url, token, 'sightline_siem_backlog_entries')) === 0);

      // Down again, and the server restarts meanwhile: the new process starts from the cursor.
      await rsyslog.kill();
      await record(s, 4);
      last = await lastSeq(s.c.db);
      await s.close();
      const db = openDatabase(env.SIGHTLINE_DATABASE_URL);
      const cursor = await new SiemCursors(db, systemClock).read(SIEM_STREAM);
      await db.destroy();
      expect(cursor).toBeLessThan(last);
      const before = (await rsyslogSeqs()).length;
      await rsyslog.start();
      s = await startServer({ env });
      await eventually(async () => new Set(await rsyslogSeqs()).size >= last, 40_000);
      const after = (await rsyslogSeqs()).slice(before);
      expect(after[0]).toBe(cursor + 1);
      expect(after.filter((x) => x <= cursor)).toEqual([]);
    } finally {
      await s.close();
      await database?.drop();
    }
  }, 180_000);
});

/** A database of its own with the schema, an audit trail and a way to stream it, without a server. */
async function streamingSetup(target: SiemTarget, extra: Partial<SiemConfig> = {}) {
  const database = await freshDatabase();
  const db = openDatabase(database?.url ?? `sqlite:${join(mkdtempSync(join(work, 'db-')), 'sightline.db')}`);
  await migrateToLatest(db);
  const audit = new AuditService(db, systemClock, cryptoRandom, null);
  const config: SiemConfig = {
    target,
    facility: 13,
    severity: 6,
    hostname: 'sightline-test',
    sdId: 'sightline@32473',
    tls: { ca: null, cert: null, key: null },
    maxMessageBytes: 8_192,
    batch: 7,
    resend: 1000,
    ...extra,
  };
  const leases = new LeaseRepository(db, systemClock);
  const streamer = (instanceId = 'a') =>
    buildSiemStreamer({ config, db, clock: systemClock, leases, instanceId, log: silentLogger });
  const record = async (n: number) => {
    for (let i = 0; i < n; i++) await audit.record({ actor: SYSTEM, action: 'siem.test', detail: { i } });
  };
  return {
    db,
    streamer,
    record,
    async close() {
      await db.destroy();
      await database?.drop();
    },
  };
}

/** A receiver of octet-counted (RFC 6587) or newline-delimited records, keeping each connection's apart. */
function receiver(kind: 'octets' | 'lines', tls?: { key: Buffer; cert: Buffer }) {
  const connections: string[][] = [];
  const sockets = new Set<import('node:net').Socket>();
  const onSocket = (socket: import('node:net').Socket) => {
    const got: string[] = [];
    connections.push(got);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buf = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        if (kind === 'lines') {
          const nl = buf.indexOf(10);
          if (nl < 0) break;
          got.push(buf.subarray(0, nl).toString('utf8'));
          buf = buf.subarray(nl + 1);
        } else {
          const sp = buf.indexOf(32);
          if (sp < 0) break;
          const len = Number(buf.subarray(0, sp).toString('ascii'));
          if (!Number.isInteger(len) || len <= 0) throw new Error('bad octet count');
          if (buf.length < sp + 1 + len) break;
          got.push(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
          buf = buf.subarray(sp + 1 + len);
        }
      }
    });
    socket.on('error', () => {});
  };
  const server: Server = tls ? createTlsServer(tls, onSocket) : createTcpServer(onSocket);
  return {
    connections,
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
      ),
    /** Drops every open connection, as a receiver restarting would. */
    dropAll: () => {
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('SIEM transports', () => {
  it('syslog over UDP to rsyslogd: one RFC 5424 message a datagram, every entry in order', async () => {
    const before = (await rsyslog.received()).length;
    const t = await streamingSetup({
      kind: 'syslog',
      transport: 'udp',
      host: '127.0.0.1',
      port: rsyslog.udpPort,
    });
    const streamer = t.streamer();
    try {
      await t.record(20);
      streamer.start();
      await eventually(async () => (await rsyslog.received()).length - before >= 20, 20_000);
      const got = (await rsyslog.received()).slice(before);
      const seqs = got.map((r) => Number(r.raw.match(RFC5424)![8]));
      expect(seqs).toEqual(upTo(20));
      expect(got.every((r) => r.pri === String(13 * 8 + 6) && r.hostname === 'sightline-test')).toBe(true);
    } finally {
      await streamer.stop();
      await t.close();
    }
  }, 60_000);

  it('syslog over TLS (RFC 5425): octet-counted RFC 5424 over a verified connection; a dropped connection resumes on the next, none twice on one', async () => {
    const dir = mkdtempSync(join(work, 'tls-'));
    const cert = selfSignedCert(dir, 'siem');
    const rx = receiver('octets', { key: readFileSync(cert.key), cert: readFileSync(cert.cert) });
    const port = await rx.listen();
    const t = await streamingSetup(
      { kind: 'syslog', transport: 'tls', host: '127.0.0.1', port },
      { tls: { ca: cert.cert, cert: null, key: null } },
    );
    const streamer = t.streamer();
    try {
      await t.record(10);
      streamer.start();
      await eventually(() => rx.connections.flat().length >= 10);
      rx.dropAll();
      await t.record(10);
      await eventually(() => new Set(rx.connections.flat()).size >= 20, 20_000);
      const perConnection = rx.connections.map((c) => c.map((m) => Number(m.match(RFC5424)![8])));
      for (const seqs of perConnection) expect(new Set(seqs).size).toBe(seqs.length);
      expect([...new Set(perConnection.flat())].sort((a, b) => a - b)).toEqual(upTo(20));
      expect(perConnection.length).toBeGreaterThanOrEqual(2);
      // Each connection carries entries in order.
      for (const seqs of perConnection) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    } finally {
      await streamer.stop();
      await rx.close();
      await t.close();
    }
  }, 60_000);

  it('refuses a TLS receiver whose certificate it does not trust, and sends nothing', async () => {
    const dir = mkdtempSync(join(work, 'tls-untrusted-'));
    const cert = selfSignedCert(dir, 'siem');
    const rx = receiver('octets', { key: readFileSync(cert.key), cert: readFileSync(cert.cert) });
    const port = await rx.listen();
    const t = await streamingSetup({ kind: 'syslog', transport: 'tls', host: '127.0.0.1', port });
    const streamer = t.streamer();
    try {
      await t.record(3);
      expect(await streamer.tick()).toBeGreaterThan(0);
      expect(rx.connections.flat()).toEqual([]);
      expect(await new SiemCursors(t.db, systemClock).read(SIEM_STREAM)).toBe(0);
    } finally {
      await streamer.stop();
      await rx.close();
      await t.close();
    }
  });

  it('JSON lines over TCP, and appended to a file: one entry a line with its sequence and chain hashes', async () => {
    const rx = receiver('lines');
    const port = await rx.listen();
    const file = join(mkdtempSync(join(work, 'file-')), 'audit.jsonl');
    const tcp = await streamingSetup({ kind: 'json-tcp', host: '127.0.0.1', port });
    const toFile = await streamingSetup({ kind: 'file', path: file });
    const a = tcp.streamer();
    const b = toFile.streamer();
    try {
      await tcp.record(9);
      await toFile.record(9);
      a.start();
      b.start();
      await eventually(() => rx.connections.flat().length >= 9);
      await eventually(() => readFileSync(file, 'utf8').split('\n').filter(Boolean).length >= 9);
      for (const lines of [rx.connections.flat(), readFileSync(file, 'utf8').trimEnd().split('\n')]) {
        const entries = lines.map((l) => JSON.parse(l) as { seq: number; hash: string; prevHash: string });
        expect(entries.map((e) => e.seq)).toEqual(upTo(9));
        for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
      }
      // Appended: more entries go after the first ones, nothing is rewritten.
      await toFile.record(2);
      await eventually(() => readFileSync(file, 'utf8').trimEnd().split('\n').length >= 11);
      expect(
        readFileSync(file, 'utf8')
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l).seq),
      ).toEqual(upTo(11));
    } finally {
      await a.stop();
      await b.stop();
      await rx.close();
      await tcp.close();
      await toFile.close();
    }
  }, 60_000);

  it('one instance streams at a time: a second one sends nothing while the first holds the lease, and takes over from the cursor when it stops', async () => {
    const rx = receiver('lines');
    const port = await rx.listen();
    const t = await streamingSetup({ kind: 'json-tcp', host: '127.0.0.1', port });
    const first = t.streamer('first');
    const second = t.streamer('second');
    try {
      await t.record(5);
      expect(await first.tick()).toBeGreaterThanOrEqual(0);
      await t.record(5);
      await second.tick();
      expect(rx.connections.length).toBe(1);
      await first.stop();
      await second.tick();
      await eventually(() => rx.connections.flat().length >= 10);
      expect(rx.connections.map((c) => c.map((l) => JSON.parse(l).seq))).toEqual([upTo(5), [6, 7, 8, 9, 10]]);
    } finally {
      await second.stop();
      await rx.close();
      await t.close();
    }
  });
});
