import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findJanusLibDir } from '../src/adapters/janus/janus-config.js';
import { JanusSupervisor } from '../src/adapters/janus/janus-supervisor.js';
import { silentLogger } from '../src/lib/logger.js';
import { findFreePort } from '../src/lib/ports.js';
import { eventually, invite, signIn, startServer, type TestServer } from './harness.js';

let janus: JanusSupervisor;
let dir: string;
let s: TestServer;

beforeAll(async () => {
  // A Janus that someone else runs (here: us, but the server under test only gets its URL).
  dir = await mkdtemp(join(tmpdir(), 'external-janus-'));
  const port = await findFreePort();
  janus = new JanusSupervisor(
    'janus',
    {
      dir,
      libDir: findJanusLibDir()!,
      wsPort: port,
      apiSecret: 'external-secret',
      adminKey: 'external-admin-key',
      rtpPortRange: '40001-41000',
      iceEnforceList: process.env.SIGHTLINE_MEDIA_IFACE ?? null,
      iceIgnoreList: null,
      nat1to1: null,
      stunServer: null,
      debugLevel: 3,
    },
    silentLogger,
  );
  await janus.start();
  s = await startServer({
    env: {
      SIGHTLINE_JANUS_URL: `ws://127.0.0.1:${port}`,
      SIGHTLINE_JANUS_API_SECRET: 'external-secret',
      SIGHTLINE_JANUS_ADMIN_KEY: 'external-admin-key',
    },
  });
});
afterAll(async () => {
  await s?.close();
  await janus?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('an external Janus given by URL', () => {
  it('is used, not started, and its outages are reported', async () => {
    const supervisor = await signIn(s, ['supervisor']);
    const status = async () =>
      (
        (await (await supervisor.request('GET', '/api/system/status')).json()) as {
          media: { state: string; managed: boolean };
        }
      ).media;
    expect(s.c.janus.supervisor).toBeNull();
    expect(await status()).toMatchObject({ state: 'up', managed: false });
    // Rooms can be created on it with its admin key.
    const handler = await signIn(s, ['call-handler']);
    await invite(s, handler);
    const handle = await s.c.janus.connection.attach('janus.plugin.videoroom');
    await handle.detach();

    await janus.stop();
    await eventually(async () => (await status()).state === 'down');
    await janus.start();
    await eventually(async () => (await status()).state === 'up', 20_000);
  });
});
