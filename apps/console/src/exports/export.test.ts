import type { ExportJob } from '@sightline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import { fakeSocket, settle } from '../testing/fixtures.js';
import {
  downloadable,
  FORCE_KEY_FILE,
  initialExport,
  reduceExport,
  VERIFY_COMMAND,
  validateExportReason,
} from './export-model.js';
import { ExportStore } from './export-store.js';

const job = (patch: Partial<ExportJob> = {}): ExportJob => ({
  id: 'x1',
  kind: 'full',
  sessionIds: ['s1'],
  reason: 'Disclosure to CPS',
  state: 'queued',
  progress: { done: 0, total: 0 },
  requestedBy: { id: 'o1', name: 'Sgt Lee' },
  createdAt: 1,
  finishedAt: null,
  fileName: null,
  size: null,
  sha256: null,
  error: null,
  ...patch,
});
const update = (state: string, done: number, total = 4, jobId = 'x1') =>
  ({ type: 'job.updated', jobType: 'export', jobId, state, done, total }) as const;

describe('reduceExport', () => {
  const running = reduceExport(initialExport, { type: 'created', job: job() });

  it('follows socket progress for its own job only', () => {
    const s = reduceExport(running, { type: 'progress', update: update('running', 2) });
    expect(s.job).toMatchObject({ state: 'running', progress: { done: 2, total: 4 } });
    expect(reduceExport(s, { type: 'progress', update: update('running', 3, 4, 'other') })).toBe(s);
  });

  it('ignores messages that arrive late: progress never goes back, done is never undone', () => {
    let s = reduceExport(running, { type: 'progress', update: update('running', 3) });
    s = reduceExport(s, { type: 'progress', update: update('running', 1) });
    expect(s.job?.progress.done).toBe(3);
    s = reduceExport(s, {
      type: 'polled',
      job: job({ state: 'done', progress: { done: 4, total: 4 }, sha256: 'a'.repeat(64) }),
    });
    expect(reduceExport(s, { type: 'progress', update: update('running', 4) })).toBe(s);
    expect(reduceExport(s, { type: 'polled', job: job({ state: 'running' }) })).toBe(s);
    expect(downloadable(s.job)).toBe(true);
  });

  it('is not downloadable when done without a hash, nor when failed', () => {
    expect(downloadable(job({ state: 'done' }))).toBe(false);
    expect(downloadable(job({ state: 'failed', sha256: 'a'.repeat(64) }))).toBe(false);
  });

  it('starts afresh when reopened after a finished export, but keeps a running one on show', () => {
    const done = reduceExport(running, {
      type: 'polled',
      job: job({ state: 'done', sha256: 'b'.repeat(64) }),
    });
    const reopened = reduceExport({ ...done, open: false, reason: 'old reason' }, { type: 'open' });
    expect(reopened).toMatchObject({ open: true, job: null, reason: '' });
    expect(reduceExport({ ...running, open: false }, { type: 'open' }).job?.id).toBe('x1');
  });

  it('requires a reason of at least five characters', () => {
    expect(validateExportReason(' abcd ')).toMatch(/at least 5/);
    expect(validateExportReason('For CPS')).toBeNull();
  });
});

describe('the verify instructions', () => {
  it('check a package against the force key saved from the console, never the copy inside the zip', () => {
    // The package carries its own signing-key.pub.pem: checking against it proves nothing about origin.
    expect(FORCE_KEY_FILE).not.toBe('signing-key.pub.pem');
    expect(VERIFY_COMMAND).toContain(`--public-key ${FORCE_KEY_FILE}`);
  });
});

describe('ExportStore', () => {
  function store(api: Partial<ConstructorParameters<typeof ExportStore>[0]['api']> = {}) {
    const s = fakeSocket();
    const deps = {
      createExport: vi.fn(async () => job()),
      exportJob: vi.fn(async () => job({ state: 'running' })),
      signingKey: vi.fn(async () => ({ publicKeyPem: 'PEM', fingerprint: 'SHA256:abc' })),
      ...api,
    };
    const st = new ExportStore({
      api: deps,
      socket: s.socket,
      kind: 'full',
      sessionIds: () => ['s1'],
      pollMs: 60_000,
    });
    return { st, s, deps };
  }

  it('will not send without a reason', async () => {
    const { st, deps } = store();
    st.open();
    st.setReason('abc');
    expect(await st.submit()).toBe(false);
    expect(st.get().error).toMatch(/at least 5/);
    expect(deps.createExport).not.toHaveBeenCalled();
  });

  it('exports, follows progress, then reads the finished job for its hash', async () => {
    const finished = job({
      state: 'done',
      progress: { done: 4, total: 4 },
      fileName: 'export.zip',
      sha256: 'c'.repeat(64),
    });
    const { st, s, deps } = store({ exportJob: vi.fn(async () => finished) });
    st.open();
    await settle();
    expect(st.get().key?.fingerprint).toBe('SHA256:abc');
    st.setReason('  Disclosure to CPS  ');
    expect(await st.submit()).toBe(true);
    expect(deps.createExport).toHaveBeenCalledWith({
      sessionIds: ['s1'],
      reason: 'Disclosure to CPS',
      kind: 'full',
    });
    s.deliver(update('running', 2));
    expect(st.get().job?.progress.done).toBe(2);
    s.deliver(update('done', 4));
    await settle();
    expect(st.get().job).toMatchObject({ state: 'done', sha256: 'c'.repeat(64), fileName: 'export.zip' });
    expect(s.listeners()).toBe(0);
  });

  it('forgets everything on reset, including an answer still on its way', async () => {
    let answer: (j: ExportJob) => void = () => {};
    const { st, s } = store({ createExport: vi.fn(() => new Promise<ExportJob>((r) => (answer = r))) });
    st.setReason('Disclosure to CPS');
    const sent = st.submit();
    st.reset();
    answer(job());
    expect(await sent).toBe(false);
    expect(st.get().job).toBeNull();
    expect(s.listeners()).toBe(0);
  });

  it('shows the server’s refusal', async () => {
    const { st } = store({
      createExport: vi.fn(async () => {
        throw new ApiRequestError(403, 'forbidden', 'Your role cannot export evidence.');
      }),
    });
    st.setReason('Disclosure to CPS');
    expect(await st.submit()).toBe(false);
    expect(st.get()).toMatchObject({ sending: false, error: 'Your role cannot export evidence.' });
  });
});
