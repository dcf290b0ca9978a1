import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../adapters/db/database.js';
import { cryptoRandom } from '../adapters/random.js';
import { EventBus } from '../events/event-bus.js';
import { createLogger } from '../lib/create-logger.js';
import { silentLogger } from '../lib/logger.js';
import { type JobContext, JobRunner } from './job-runner.js';

// Two runners on two connections to one database file stand for two server instances.
describe('JobRunner across instances sharing a database', () => {
  let dir: string;
  let dbs: Db[];
  let runners: JobRunner[];
  const clock = { t: 1_800_000_000_000, now: () => clock.t };

  const runner = (owner: string, db = dbs[runners.length % 2]!) => {
    const r = new JobRunner(db, clock, cryptoRandom, silentLogger, {
      owner,
      leaseMs: 30_000,
      pollMs: 60_000,
      events: new EventBus(owner, silentLogger),
    });
    runners.push(r);
    return r;
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'job-runner-'));
    const url = `sqlite:${join(dir, 'db.sqlite')}`;
    dbs = [openDatabase(url), openDatabase(url)];
    await migrateToLatest(dbs[0]!);
    await dbs[0]!
      .insertInto('officers')
      .values({
        id: 'officer-1',
        username: 'o1',
        display_name: 'O 1',
        password_hash: 'x',
        roles: '[]',
        created_at: 1,
      })
      .execute();
    runners = [];
  });
  afterEach(async () => {
    vi.useRealTimers();
    for (const r of runners) r.stop();
    for (const db of dbs) await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs each job exactly once when two instances race for the queue', async () => {
    const ran: string[] = [];
    const a = runner('instance-a');
    const b = runner('instance-b');
    for (const r of [a, b])
      r.register('work', async (ctx) => {
        ran.push((ctx.params as { n: number }).n.toString());
        await new Promise((resolve) => setTimeout(resolve, 1));
        return { by: ctx.job.lease_owner };
      });
    a.stop();
    b.stop();
    for (let n = 0; n < 40; n++) await (n % 2 ? a : b).enqueue('work', { n }, 'officer-1');
    await Promise.all([a.start(), b.start()]);
    await Promise.all([a.idle(), b.idle()]);
    expect(ran.sort((x, y) => Number(x) - Number(y))).toEqual(Array.from({ length: 40 }, (_, n) => `${n}`));
    const rows = await dbs[0]!.selectFrom('jobs').selectAll().execute();
    expect(rows.every((r) => r.state === 'done' && r.lease_owner === null)).toBe(true);
    const owners = new Set(rows.map((r) => (JSON.parse(r.result!) as { by: string }).by));
    expect(owners).toEqual(new Set(['instance-a', 'instance-b']));
  });

  it("never requeues another live instance's running job, and takes it over once its lease lapses", async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const runs: string[] = [];
    const handler = (owner: string) => async (ctx: JobContext) => {
      runs.push(owner);
      if (owner === 'instance-a') await held;
      return { owner, aborted: ctx.signal.aborted };
    };
    const a = runner('instance-a');
    a.register('export', handler('instance-a'));
    const job = await a.enqueue('export', {}, 'officer-1');
    await vi.waitFor(() => expect(runs).toEqual(['instance-a']));

    // A keeps renewing while it works: B, starting 50 s later, leaves the job alone.
    for (let i = 0; i < 5; i++) {
      clock.t += 10_000;
      await vi.advanceTimersByTimeAsync(10_000);
    }
    const b = runner('instance-b');
    b.register('export', handler('instance-b'));
    await b.start();
    let row = await b.get(job.id);
    expect(row).toMatchObject({ state: 'running', lease_owner: 'instance-a' });
    expect(Number(row!.lease_expires_at)).toBeGreaterThan(clock.t);
    expect(runs).toEqual(['instance-a']);

    // A stops renewing (as if it hung or died): after the lease B resumes the job.
    a.stop();
    clock.t += 31_000;
    await vi.advanceTimersByTimeAsync(60_000);
    await b.idle();
    expect(runs).toEqual(['instance-a', 'instance-b']);
    row = await b.get(job.id);
    expect(row).toMatchObject({
      state: 'done',
      result: JSON.stringify({ owner: 'instance-b', aborted: false }),
    });

    // A's late finish does not overwrite what B stored.
    release();
    await a.idle();
    expect((await a.get(job.id))?.result).toBe(JSON.stringify({ owner: 'instance-b', aborted: false }));
  });

  it('resumes at start a job left running by a run that predates leases', async () => {
    const a = runner('instance-a');
    a.stop();
    const job = await a.enqueue('export', {}, 'officer-1');
    await dbs[0]!.updateTable('jobs').set({ state: 'running' }).where('id', '=', job.id).execute();
    a.register('export', async () => 'ok');
    await a.start();
    await a.idle();
    expect(await a.get(job.id)).toMatchObject({ state: 'done', result: '"ok"' });
  });

  it('aborts the handler when another instance has taken the job over', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const a = runner('instance-a');
    let signal: AbortSignal | null = null;
    a.register('export', (ctx) => {
      signal = ctx.signal;
      return new Promise((_, reject) =>
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
      );
    });
    const job = await a.enqueue('export', {}, 'officer-1');
    await vi.waitFor(() => expect(signal).not.toBeNull());
    // Another instance claimed it after A's lease had lapsed (A was stalled).
    await dbs[1]!
      .updateTable('jobs')
      .set({ lease_owner: 'instance-b', lease_expires_at: clock.t + 30_000 })
      .where('id', '=', job.id)
      .execute();
    await vi.advanceTimersByTimeAsync(10_000);
    await vi.waitFor(() => expect(signal?.aborted).toBe(true));
    expect(await a.get(job.id)).toMatchObject({ state: 'running', lease_owner: 'instance-b', error: null });
  });

  it("logs a job's lines, its handler's included, with its job id and session", async () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (l: string) => lines.push(l) });
    const r = new JobRunner(dbs[0]!, clock, cryptoRandom, log, {
      owner: 'instance-a',
      pollMs: 60_000,
      events: new EventBus('instance-a', silentLogger),
    });
    runners.push(r);
    r.register('redaction', async () => log.info('redaction: cutting'));
    const job = await r.enqueue('redaction', { sessionId: 'session-7' }, 'officer-1');
    await r.start();
    await r.idle();
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = parsed.filter((l) => l.jobId === job.id);
    expect(mine.map((l) => l.msg)).toEqual(['jobs: job started', 'redaction: cutting', 'jobs: job done']);
    for (const l of mine) expect(l).toMatchObject({ jobType: 'redaction', sessionId: 'session-7' });
  });
});
