import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import type { SiemConfig } from '../../config/siem-config.js';

/** Where framed audit records go. */
export interface SiemTransport {
  /**
   * Writes the records, in order. Resolves once they are as safe as this transport can make them
   * (a file: written and fsynced; a stream: handed to the kernel; UDP: sent), with the number of
   * the connection that carried them; rejects when they could not be written.
   */
  write(records: string[]): Promise<number>;
  /** Called when a connection that carried records fails, so they can be sent again. */
  onLost(listener: (connection: number) => void): void;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 5_000;
/**
 * How long a write may wait for the far end to take it. A receiver that accepts but never reads
 * would otherwise hold a write (and the streamer, and shutdown) forever; connect plus this stays
 * below the streamer's lease, so a stuck instance never streams on after another took over.
 */
export const WRITE_TIMEOUT_MS = 5_000;

/** JSON lines appended to a file, fsynced after every batch (before the cursor moves past it). */
export class FileTransport implements SiemTransport {
  constructor(private readonly path: string) {}

  async write(records: string[]): Promise<number> {
    await mkdir(dirname(this.path), { recursive: true });
    const fh = await open(this.path, 'a', 0o640);
    try {
      await fh.writeFile(records.join(''), 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    return 0;
  }

  onLost(): void {}

  async close(): Promise<void> {}
}

/**
 * One long-lived TCP or TLS connection, opened on the first write and again after a failure.
 * A connection that errors or is closed by the far end is reported through `onLost`.
 */
export class StreamTransport implements SiemTransport {
  #socket: Socket | null = null;
  #connection = 0;
  #lost: Array<(connection: number) => void> = [];
  /** Counts close() calls: a connection that finishes opening after one is not used. */
  #epoch = 0;
  #opening: Socket | null = null;

  constructor(
    private readonly open: () => Socket,
    private readonly writeTimeoutMs = WRITE_TIMEOUT_MS,
  ) {}

  /**
   * Resolves once the kernel has taken every byte (nothing left in Node's buffer); a far end
   * that stops reading past `writeTimeoutMs` has its connection destroyed, which reports it lost.
   */
  async write(records: string[]): Promise<number> {
    const epoch = this.#epoch;
    const socket = this.#socket ?? (await this.#connect());
    if (epoch !== this.#epoch) {
      // Closed while connecting (shutting down): this connection is not used.
      socket.destroy();
      throw new Error('the transport was closed');
    }
    const connection = this.#connection;
    await new Promise<void>((resolve, reject) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        socket.destroy(new Error(`the SIEM target took nothing for ${this.writeTimeoutMs} ms`));
      }, this.writeTimeoutMs);
      const settle = (err?: Error | null) => {
        clearTimeout(timer);
        socket.off('close', closed);
        // A destroyed socket may call back without an error: its bytes were not all taken.
        if (err || timedOut || socket.destroyed)
          reject(err ?? new Error(`the SIEM target took nothing for ${this.writeTimeoutMs} ms`));
        else resolve();
      };
      const closed = () => settle(new Error('the connection closed while writing'));
      socket.once('close', closed);
      socket.write(records.join(''), 'utf8', (err) => settle(err));
    });
    if (this.#socket !== socket) throw new Error('the connection closed while writing');
    return connection;
  }

  onLost(listener: (connection: number) => void): void {
    this.#lost.push(listener);
  }

  async close(): Promise<void> {
    this.#epoch++;
    this.#opening?.destroy(new Error('the transport was closed'));
    const s = this.#socket;
    this.#socket = null;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      // Bytes still waiting mean a far end that does not read: ending would wait on it.
      if (s.writableLength > 0) s.destroy();
      else s.end();
      setTimeout(() => s.destroy(), CONNECT_TIMEOUT_MS).unref();
    });
  }

  #connect(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = this.open();
      this.#opening = socket;
      socket.once('close', () => {
        if (this.#opening === socket) this.#opening = null;
      });
      const connection = ++this.#connection;
      const timer = setTimeout(() => socket.destroy(new Error('connect timed out')), CONNECT_TIMEOUT_MS);
      const failed = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      socket.once('error', failed);
      socket.once('encrypted' in socket ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        this.#opening = null;
        socket.off('error', failed);
        socket.setKeepAlive(true, 10_000);
        socket.on('error', () => {}); // 'close' follows and reports the loss
        socket.once('close', () => {
          if (this.#socket !== socket) return;
          this.#socket = null;
          for (const l of this.#lost) l(connection);
        });
        // The receiver sends nothing; reading keeps the far end's close noticed.
        socket.on('data', () => {});
        this.#socket = socket;
        resolve(socket);
      });
    });
  }
}

/** RFC 5426: one datagram per message. Nothing is acknowledged, so nothing can be resent. */
export class UdpTransport implements SiemTransport {
  #socket: UdpSocket | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  async write(records: string[]): Promise<number> {
    this.#socket ??= createSocket(this.host.includes(':') ? 'udp6' : 'udp4');
    const socket = this.#socket;
    for (const r of records)
      await new Promise<void>((resolve, reject) =>
        socket.send(Buffer.from(r, 'utf8'), this.port, this.host, (err) => (err ? reject(err) : resolve())),
      );
    return 0;
  }

  onLost(): void {}

  async close(): Promise<void> {
    const s = this.#socket;
    this.#socket = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** The transport a configuration names. */
export function openTransport(c: SiemConfig): SiemTransport {
  const t = c.target;
  if (t.kind === 'file') return new FileTransport(t.path);
  if (t.kind === 'syslog' && t.transport === 'udp') return new UdpTransport(t.host, t.port);
  if (t.kind === 'syslog' && t.transport === 'tls') {
    const read = (p: string | null) => (p === null ? undefined : readFileSync(p));
    return new StreamTransport(() =>
      tlsConnect({
        host: t.host,
        port: t.port,
        ...(isIP(t.host) ? {} : { servername: t.host }),
        ca: read(c.tls.ca),
        cert: read(c.tls.cert),
        key: read(c.tls.key),
      }),
    );
  }
  return new StreamTransport(() => netConnect({ host: t.host, port: t.port }));
}
