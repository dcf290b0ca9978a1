import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cryptoRandom } from '../adapters/random.js';
import { DomainError } from '../lib/errors.js';
import { silentLogger } from '../lib/logger.js';
import { BusRpc } from './bus-rpc.js';
import { EventBus } from './event-bus.js';
import { MemoryHub } from './memory-hub.js';

const methods = {
  echo: { params: z.object({ text: z.string() }), result: z.object({ text: z.string(), by: z.string() }) },
  fail: { params: z.object({}), result: z.null() },
};

async function cluster(timeoutMs = 2_000, clock: { now(): number } = Date) {
  const hub = new MemoryHub();
  const make = async (id: string) => {
    const bus = new EventBus(id, silentLogger, hub.transport());
    await bus.start();
    return { bus, rpc: new BusRpc(bus, methods, cryptoRandom, silentLogger, timeoutMs, clock) };
  };
  const a = await make('a');
  const b = await make('b');
  const c = await make('c');
  for (const n of [a, b, c]) {
    n.rpc.serve({
      echo: async ({ text }) => ({ text, by: n.bus.instanceId }),
      fail: async () => {
        throw new DomainError('unknown_view', 'no such view (it may have ended)');
      },
    });
  }
  return { hub, a, b, c };
}

describe('BusRpc', () => {
  it('calls the named instance and only that one', async () => {
    const { a } = await cluster();
    await expect(a.rpc.call('c', 'echo', { text: 'hi' })).resolves.toEqual({ text: 'hi', by: 'c' });
    await expect(a.rpc.call('b', 'echo', { text: 'ho' })).resolves.toEqual({ text: 'ho', by: 'b' });
  });

  it("brings the far side's error code back as a DomainError", async () => {
    const { a } = await cluster();
    const err = await a.rpc.call('b', 'fail', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'unknown_view', message: 'no such view (it may have ended)' });
  });

  it('fails with media_unavailable when the instance is gone (no answer before the timeout)', async () => {
    const { a } = await cluster(50);
    await expect(a.rpc.call('gone-instance', 'echo', { text: 'x' })).rejects.toMatchObject({
      code: 'media_unavailable',
    });
  });

  it('fails with media_unavailable while the link between instances is down', async () => {
    const { hub, a } = await cluster(50);
    hub.down();
    await expect(a.rpc.call('b', 'echo', { text: 'x' })).rejects.toMatchObject({ code: 'media_unavailable' });
    hub.up();
    await expect(a.rpc.call('b', 'echo', { text: 'back' })).resolves.toMatchObject({ text: 'back' });
  });

  it('refuses malformed params on the far side (bad_request) instead of running the method', async () => {
    const { a } = await cluster();
    await expect(a.rpc.call('b', 'echo', { text: 42 } as never)).rejects.toMatchObject({
      code: 'bad_request',
    });
  });

  it('ignores a request read after its deadline (a replay after a reconnect)', async () => {
    const hub = new MemoryHub();
    const late = { now: () => Date.now() + 60_000 };
    const a = new EventBus('a', silentLogger, hub.transport());
    const b = new EventBus('b', silentLogger, hub.transport());
    await a.start();
    await b.start();
    let ran = 0;
    // b's clock reads every request as a minute old.
    new BusRpc(b, methods, cryptoRandom, silentLogger, 2_000, late).serve({
      echo: async ({ text }) => {
        ran++;
        return { text, by: 'b' };
      },
      fail: async () => null,
    });
    await expect(
      new BusRpc(a, methods, cryptoRandom, silentLogger, 50).call('b', 'echo', { text: 'old' }),
    ).rejects.toMatchObject({ code: 'media_unavailable' });
    expect(ran).toBe(0);
  });

  it('fails calls still waiting when stopped', async () => {
    const { a } = await cluster(10_000);
    const waiting = a.rpc.call('nobody', 'echo', { text: 'x' });
    a.rpc.stop();
    await expect(waiting).rejects.toMatchObject({ code: 'media_unavailable' });
  });
});
