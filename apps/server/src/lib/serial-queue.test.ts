import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.js';
import { SerialQueue } from './serial-queue.js';

describe('SerialQueue', () => {
  it('reports how many tasks wait and how long the oldest has, and empties as they finish', async () => {
    const q = new SerialQueue(createLogger('silent'), 'evidence');
    let open = () => {};
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const first = q.run(() => gate);
    const second = q.run(async () => {});
    expect(q.backlog().length).toBe(2);
    expect(q.backlog(Date.now() + 5000).oldestMs).toBeGreaterThanOrEqual(5000);
    open();
    await Promise.all([first, second]);
    expect(q.backlog()).toEqual({ length: 0, oldestMs: 0 });
  });

  it('logs each task with an id of its own', async () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (l: string) => lines.push(l) });
    const q = new SerialQueue(log, 'evidence');
    await q.run(async () => log.info('storing'));
    await q
      .run(async () => {
        throw new Error('disk gone');
      })
      .catch(() => {});
    await q.idle();
    const [a, b] = lines.map((l) => JSON.parse(l) as { jobId?: string; jobType?: string; msg: string });
    expect(a).toMatchObject({ jobType: 'evidence', msg: 'storing' });
    expect(b).toMatchObject({ jobType: 'evidence', msg: 'evidence: task failed' });
    expect(a!.jobId).toMatch(/^evidence-\d+$/);
    expect(b!.jobId).not.toBe(a!.jobId);
  });
});
