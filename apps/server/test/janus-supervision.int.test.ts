import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  type OfficerClient,
  signIn,
  startServer,
  type TestServer,
  TestSocket,
} from './harness.js';

let s: TestServer;
let supervisor: OfficerClient;

beforeAll(async () => {
  s = await startServer();
  supervisor = await signIn(s, ['supervisor']);
});
afterAll(() => s?.close());

const status = async () =>
  (
    (await (await supervisor.request('GET', '/api/system/status')).json()) as {
      media: { state: string; restarts: number; lastError: string | null };
    }
  ).media;

describe('Janus supervision', () => {
  it('writes its own Janus config with a fresh API secret and only the plugins we use', async () => {
    const { readFile } = await import('node:fs/promises');
    const core = await readFile(`${s.dataDir}/janus/janus.jcfg`, 'utf8');
    expect(core).toMatch(/api_secret = "[A-Za-z0-9_-]{32}"/);
    expect(core).toContain(`ice_enforce_list = "${process.env.SIGHTLINE_MEDIA_IFACE}"`);
    expect(core).toContain('libjanus_echotest.so');
    const ws = await readFile(`${s.dataDir}/janus/janus.transport.websockets.jcfg`, 'utf8');
    expect(ws).toContain('ws_ip = "127.0.0.1"');
  });

  it('restarts Janus after it is killed, and tells the console why', async () => {
    expect((await status()).state).toBe('up');
    const sock = await TestSocket.open(`${s.wsUrl}/ws/console`, supervisor.cookie);
    await sock.next((m) => m.type === 'hello');
    const pid = s.c.janus.supervisor!.pid!;
    process.kill(pid, 'SIGKILL');

    // The dropped connection may be reported first; the supervisor's account of the exit follows.
    const down = (await sock.next(
      (m) => m.type === 'media.status' && (m.media as { state: string; restarts: number }).restarts === 1,
    )) as {
      media: { lastError: string; restarts: number };
    };
    expect(down.media.lastError).toMatch(/stopped unexpectedly \(killed by SIGKILL\)/);
    expect((down.media as unknown as { state: string }).state).toBe('down');

    const up = (await sock.next(
      (m) => m.type === 'media.status' && (m.media as { state: string }).state === 'up',
      20_000,
    )) as {
      media: { restarts: number; lastError: string };
    };
    expect(up.media.restarts).toBe(1);
    expect(up.media.lastError).toContain('SIGKILL'); // kept so the console can say what happened
    const newPid = s.c.janus.supervisor!.pid;
    expect(newPid).not.toBe(pid);
    expect(() => process.kill(newPid!, 0)).not.toThrow();
    // The new Janus is usable: the server can create rooms on it again.
    await eventually(() => s.c.janus.connection.ready);
    const handle = await s.c.janus.connection.attach('janus.plugin.videoroom');
    await handle.detach();
    expect((await status()).state).toBe('up');
    sock.close();
  });

  it('keeps restarting through repeated crashes', async () => {
    for (let i = 0; i < 2; i++) {
      const before = (await status()).restarts;
      process.kill(s.c.janus.supervisor!.pid!, 'SIGKILL');
      await eventually(async () => {
        const st = await status();
        return st.state === 'up' && st.restarts === before + 1;
      }, 30_000);
    }
  });
});
