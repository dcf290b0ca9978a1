import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordingRow } from '../evidence/evidence.repository.js';
import type { RecordingIngest } from '../evidence/recording-ingest.js';
import { createLogger } from '../lib/create-logger.js';
import type { MediaNodeRepository } from '../media/nodes/media-node.repository.js';
import { NodeRecordings } from './node-recordings.js';

const spool = mkdtempSync(join(tmpdir(), 'node-recordings-'));
afterEach(() => rmSync(spool, { recursive: true, force: true }));

function row(id: string, patch: Partial<RecordingRow> = {}): RecordingRow {
  return {
    id,
    session_id: `s-${id}`,
    file_base: `rec-${id}`,
    started_at: 1_000,
    ended_at: null,
    state: 'recording',
    video_codec: null,
    error: null,
    media_started_at: null,
    source: 'caller',
    media_node: 'node-a',
    node_lost_at: null,
    interpreter_id: null,
    ...patch,
  };
}

/** The recordings table as the node sees it, and what it asked ingest to do. */
function setup(rows: RecordingRow[]) {
  const clock = { t: 10_000, now: () => clock.t };
  const done: Array<{ id: string; writerGone: boolean }> = [];
  const tracked: string[] = [];
  const recovered: string[] = [];
  const repo = { openRecordings: async () => rows } as unknown as MediaNodeRepository;
  const ingest = {
    spoolFor: (sessionId: string) => join(spool, sessionId),
    track: (id: string) => void tracked.push(id),
    finish: async (id: string, writerGone: boolean) => void done.push({ id, writerGone }),
    recoverUnfinished: async (_node: string, only: ReadonlySet<string>) => {
      recovered.push(...only);
      return only.size;
    },
  } as unknown as RecordingIngest;
  const worker = new NodeRecordings(
    repo,
    ingest,
    clock,
    { nodeId: 'node-a', pollMs: 1_000, orphanMs: 120_000 },
    createLogger('silent'),
  );
  return { worker, clock, done, tracked, recovered };
}

/** Janus's files for a recording: open ones end in .tmp. */
function files(r: RecordingRow, open: boolean) {
  const dir = join(spool, r.session_id);
  mkdirSync(dir, { recursive: true });
  for (const kind of ['audio-0', 'video-1'])
    writeFileSync(join(dir, `${r.file_base}-${kind}.mjr${open ? '.tmp' : ''}`), 'MJR');
  return () => {
    for (const kind of ['audio-0', 'video-1'])
      renameSync(join(dir, `${r.file_base}-${kind}.mjr.tmp`), join(dir, `${r.file_base}-${kind}.mjr`));
  };
}

describe("a media node's recordings", () => {
  it('recovers at start only the recordings begun before it started, and never looks at them again', async () => {
    const old = row('old', { started_at: 1_000 });
    const fresh = row('new', { started_at: 6_000 });
    const { worker, recovered, tracked } = setup([old, fresh]);
    expect(await worker.recover(5_000)).toBe(1);
    expect(recovered).toEqual(['old']);
    await worker.poll();
    expect(tracked).toEqual(['new']);
  });

  it('seals a recording while Janus writes it and ingests it when an instance says it ended', async () => {
    const r = row('a', { started_at: 9_000 });
    const { worker, done, tracked } = setup([r]);
    await worker.recover(5_000);
    files(r, true);
    await worker.poll();
    expect(tracked).toEqual(['a']);
    expect(done).toEqual([]);
    r.ended_at = 12_000;
    await worker.poll();
    expect(done).toEqual([{ id: 'a', writerGone: false }]);
    await worker.poll();
    expect(done).toHaveLength(1);
  });

  it('ingests a recording whose files Janus has closed though no instance said so (its instance died)', async () => {
    const r = row('b', { started_at: 9_000 });
    const { worker, done } = setup([r]);
    await worker.recover(5_000);
    const close = files(r, true);
    await worker.poll();
    expect(done).toEqual([]);
    close();
    await worker.poll();
    expect(done).toEqual([{ id: 'b', writerGone: false }]);
  });

  it("treats open files as final once the node's Janus restarted", async () => {
    const r = row('c', { started_at: 9_000 });
    const { worker, done, clock } = setup([r]);
    await worker.recover(5_000);
    files(r, true);
    await worker.poll();
    clock.t = 20_000;
    worker.janusRestarted(clock.t);
    expect(done).toEqual([{ id: 'c', writerGone: true }]);
  });

  it('finishes a recording that never got a file once it is older than the orphan time, not before', async () => {
    const r = row('d', { started_at: 9_000 });
    const { worker, done, clock } = setup([r]);
    await worker.recover(5_000);
    await worker.poll();
    expect(done).toEqual([]);
    clock.t = 9_000 + 120_001;
    await worker.poll();
    expect(done).toEqual([{ id: 'd', writerGone: false }]);
  });
});
