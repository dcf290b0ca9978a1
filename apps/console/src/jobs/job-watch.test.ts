import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeSocket, settle } from '../testing/fixtures.js';
import { isForward, percent, watchJob } from './job-watch.js';

afterEach(() => vi.useRealTimers());

describe('watchJob', () => {
  it('passes on this job’s socket updates only, and fetches the job at once when it finishes', async () => {
    const s = fakeSocket();
    const updates: string[] = [];
    const poll = vi.fn(async () => true);
    watchJob({
      socket: s.socket,
      jobType: 'export',
      jobId: 'j1',
      onUpdate: (u) => updates.push(`${u.state}:${u.done}`),
      poll,
      intervalMs: 60_000,
    });
    s.deliver({ type: 'job.updated', jobType: 'export', jobId: 'j1', state: 'running', done: 1, total: 3 });
    s.deliver({ type: 'job.updated', jobType: 'export', jobId: 'other', state: 'done', done: 3, total: 3 });
    s.deliver({ type: 'job.updated', jobType: 'redaction', jobId: 'j1', state: 'done', done: 3, total: 3 });
    expect(poll).not.toHaveBeenCalled();
    s.deliver({ type: 'job.updated', jobType: 'export', jobId: 'j1', state: 'done', done: 3, total: 3 });
    await settle();
    expect(updates).toEqual(['running:1', 'done:3']);
    expect(poll).toHaveBeenCalledTimes(1);
    expect(s.listeners()).toBe(0);
  });

  it('polls on a timer until the job has finished, surviving a failed poll', async () => {
    vi.useFakeTimers();
    const s = fakeSocket();
    const answers = [new Error('network'), false, true];
    const poll = vi.fn(async () => {
      const a = answers.shift();
      if (a instanceof Error) throw a;
      return a ?? true;
    });
    watchJob({
      socket: s.socket,
      jobType: 'export',
      jobId: 'j1',
      onUpdate: () => {},
      poll,
      intervalMs: 1000,
    });
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(poll).toHaveBeenCalledTimes(3);
    expect(s.listeners()).toBe(0);
  });

  it('polls after a reconnect, since updates sent while away are lost; stop() ends everything', async () => {
    vi.useFakeTimers();
    const s = fakeSocket();
    const poll = vi.fn(async () => false);
    const stop = watchJob({
      socket: s.socket,
      jobType: 'redaction',
      jobId: 'j1',
      onUpdate: () => {},
      poll,
      intervalMs: 60_000,
    });
    s.reconnect();
    await settle();
    expect(poll).toHaveBeenCalledTimes(1);
    stop();
    expect(s.listeners()).toBe(0);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(poll).toHaveBeenCalledTimes(1);
  });
});

describe('job states', () => {
  it('never steps back from a finished state', () => {
    expect(isForward('queued', 'running')).toBe(true);
    expect(isForward('running', 'running')).toBe(true);
    expect(isForward('running', 'queued')).toBe(false);
    expect(isForward('done', 'running')).toBe(false);
    expect(isForward('done', 'failed')).toBe(false);
    expect(isForward('running', 'failed')).toBe(true);
    expect(isForward('done', 'disposed')).toBe(true);
    expect(isForward('failed', 'disposed')).toBe(false);
    expect(isForward('disposed', 'done')).toBe(false);
  });

  it('turns progress into a percentage, unknown while there is no total', () => {
    expect(percent(1, 3)).toBe(33);
    expect(percent(5, 3)).toBe(100);
    expect(percent(0, 0)).toBeNull();
  });
});
