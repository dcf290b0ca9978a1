import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StreamTransport } from './siem-transport.js';

// A real loopback socket to a receiver that accepts and never reads: the kernel buffers of both
// ends fill, and the write must fail (and report the connection lost) instead of hanging.
describe('StreamTransport', () => {
  let server: Server;
  const peers: Socket[] = [];
  afterEach(async () => {
    for (const p of peers) p.destroy();
    await new Promise<void>((done) => server.close(() => done()));
  });
  const stalledReceiver = () =>
    new Promise<number>((done) => {
      server = createServer((socket) => {
        socket.pause(); // accepts, never reads
        peers.push(socket);
      });
      server.listen(0, '127.0.0.1', () => done((server.address() as { port: number }).port));
    });

  it('a receiver that never reads fails the write within the timeout and the connection is reported lost', async () => {
    const port = await stalledReceiver();
    const t = new StreamTransport(() => netConnect({ host: '127.0.0.1', port }), 300);
    const lost: number[] = [];
    t.onLost((c) => lost.push(c));
    // Far more than both ends' kernel buffers can hold.
    const records = Array.from({ length: 64 }, () => `${'x'.repeat(1024 * 1024 - 1)}\n`);
    await expect(t.write(records)).rejects.toThrow(/took nothing for 300 ms|closed while writing/);
    // Reported on the socket's 'close', just after the write's own error.
    await vi.waitFor(() => expect(lost).toEqual([1]));
    await t.close(); // and closing does not wait on the far end either
  });

  it('close fails a write stuck on a receiver that never reads', async () => {
    const port = await stalledReceiver();
    const t = new StreamTransport(() => netConnect({ host: '127.0.0.1', port }), 60_000);
    const stuck = t.write(Array.from({ length: 64 }, () => `${'x'.repeat(1024 * 1024 - 1)}\n`));
    const settled = stuck.then(
      () => 'written',
      () => 'failed',
    );
    await new Promise((r) => setTimeout(r, 100));
    await t.close();
    expect(await settled).toBe('failed');
  });
});
