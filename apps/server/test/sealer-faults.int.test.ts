import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Sealer, SealResult } from '../src/evidence/sealer.js';
import {
  chainHolds,
  countingOpener,
  newSealer,
  piece,
  replyLostDb,
  type SealWorld,
  sealRows,
  sealWorld,
  seedRecording,
  sha256,
  verifyAsExport,
} from './seal-fixture.js';

let w: SealWorld;
let spool: string;
let video: string;
let audio: string;
let seed = 0;
/** Appends to both files as Janus does: packets of different sizes, audio smaller than video. */
const grow = () => {
  seed++;
  appendFileSync(video, piece(3000 + seed * 17, seed));
  appendFileSync(audio, piece(160 + seed, seed + 100));
};
const cleanups: Array<() => Promise<unknown>> = [];

beforeEach(async () => {
  w = await sealWorld();
  await seedRecording(w.db, 'r1', 's1');
  spool = join(w.dir, 's1');
  mkdirSync(spool);
  video = join(spool, 'rec-r1-video-1.mjr.tmp');
  audio = join(spool, 'rec-r1-audio-0.mjr.tmp');
  writeFileSync(video, 'MJR00002');
  writeFileSync(audio, 'MJR00002');
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  await w?.close();
});

/** Each final seal is the last row of its file, true to the bytes on disk, and the export verifier agrees. */
async function finalSealsAreInTheTable(
  recordingId: string,
  final: SealResult[],
  paths: Record<string, string>,
) {
  const rows = await sealRows(w.db, recordingId);
  expect(chainHolds(recordingId, rows)).toBe(true);
  expect(final.map((s) => s.fileName).sort()).toEqual(Object.keys(paths).sort());
  for (const s of final) {
    const bytes = readFileSync(paths[s.fileName]!);
    expect(s).toEqual({ fileName: s.fileName, offset: bytes.length, prefixSha256: sha256(bytes) });
    const last = rows.filter((r) => r.file_name === s.fileName).at(-1);
    expect([Number(last?.offset), last?.prefix_sha256]).toEqual([s.offset, s.prefixSha256]);
  }
  const v = await verifyAsExport(
    recordingId,
    Object.entries(paths).map(([fileName, path]) => ({ fileName, path })),
    rows,
    w.dir,
  );
  expect(v.problems).toEqual([]);
}

const bothFiles = () => ({ 'rec-r1-video-1.mjr': video, 'rec-r1-audio-0.mjr': audio });

describe('only committed seals are reported', () => {
  it('bytes hashed by a tick whose commit failed are sealed by finish() though the file did not grow, and every final seal is in the seals table', async () => {
    // r2 has no recording row yet: its seals break a foreign key and the tick's commits fail.
    const spool2 = join(w.dir, 's2');
    mkdirSync(spool2);
    const video2 = join(spool2, 'rec-r2-video-1.mjr.tmp');
    writeFileSync(video2, piece(5000, 1));
    const sealer = newSealer(w.db);
    sealer.track('r2', 's2', spool2, 'rec-r2');
    await sealer.tick();
    expect(await sealRows(w.db, 'r2')).toHaveLength(0);

    await seedRecording(w.db, 'r2', 's2');
    // The file does not grow again: Janus closed it.
    const final = await sealer.finish('r2');
    await finalSealsAreInTheTable('r2', final, { 'rec-r2-video-1.mjr': video2 });
  });

  it("a read that fails partway through a recording's files loses no seal: what was hashed is sealed next time, though nothing grew", async () => {
    let failing = true;
    const { openFile } = countingOpener(
      () => {},
      (path, n) => failing && path.includes('video') && n === 1,
    );
    const sealer = newSealer(w.db, openFile);
    sealer.track('r1', 's1', spool, 'rec-r1');
    grow();
    // The audio file is hashed first, then the video file's read fails: the tick seals nothing.
    await sealer.tick();
    expect(await sealRows(w.db, 'r1')).toHaveLength(0);
    failing = false;
    const final = await sealer.finish('r1');
    await finalSealsAreInTheTable('r1', final, bothFiles());
  });

  it('finish() throws rather than report bytes that it could not seal', async () => {
    const spool2 = join(w.dir, 's2');
    mkdirSync(spool2);
    writeFileSync(join(spool2, 'rec-r2-video-1.mjr.tmp'), piece(5000, 1));
    const sealer = newSealer(w.db);
    sealer.track('r2', 's2', spool2, 'rec-r2');
    // No recording row at all: the final commit fails too.
    await expect(sealer.finish('r2')).rejects.toThrow(/FOREIGN KEY|foreign key/);
    expect(await sealRows(w.db, 'r2')).toHaveLength(0);
  });
});

describe('a commit in doubt', () => {
  it('a COMMIT that reached the database but whose reply was lost does not stall the chain: the sealer takes the head from the database and goes on', async () => {
    const lossy = replyLostDb(w.url);
    cleanups.push(() => lossy.db.destroy());
    const sealer = newSealer(lossy.db);
    sealer.track('r1', 's1', spool, 'rec-r1');
    grow();
    lossy.loseNextCommitReply();
    await sealer.tick();
    expect(lossy.lostReplies()).toBe(1);
    // Written all the same.
    expect(await sealRows(w.db, 'r1')).toHaveLength(2);
    grow();
    await sealer.tick();
    const rows = await sealRows(w.db, 'r1');
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4]);
    grow();
    lossy.loseNextCommitReply();
    const final = await sealer.finish('r1');
    expect(lossy.lostReplies()).toBe(2);
    await finalSealsAreInTheTable('r1', final, bothFiles());
  });
});

describe('Janus closing a file while it is listed', () => {
  it('a file renamed from .mjr.tmp to .mjr between the listing and its opening is still sealed', async () => {
    grow();
    const closedVideo = video.replace(/\.tmp$/, '');
    const { openFile } = countingOpener((path) => {
      // Janus closes the video file just as the sealer, having listed it as .tmp, opens it.
      if (path === video) renameSync(video, closedVideo);
    });
    const sealer = newSealer(w.db, openFile);
    sealer.track('r1', 's1', spool, 'rec-r1');
    const final = await sealer.finish('r1');
    await finalSealsAreInTheTable('r1', final, {
      'rec-r1-video-1.mjr': closedVideo,
      'rec-r1-audio-0.mjr': audio,
    });
  });
});

describe('stopping', () => {
  it('stop() waits for the tick in flight and closes the files of recordings still tracked', async () => {
    const { counts, openFile } = countingOpener();
    const sealer = newSealer(w.db, openFile);
    sealer.track('r1', 's1', spool, 'rec-r1');
    grow();
    const ticked = sealer.tick();
    await sealer.stop();
    expect(await sealRows(w.db, 'r1')).toHaveLength(2);
    expect(counts).toEqual({ opened: 2, closed: 2 });
    await ticked;
    await expect(sealer.finish('r1')).rejects.toMatchObject({ code: 'sealer_stopped' });
  });

  it('the timer skips a tick while the one before is still waiting or running, so ticks never pile up', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    cleanups.push(async () => vi.useRealTimers());
    const sealer: Sealer = newSealer(w.db, undefined, 1000);
    const tick = vi.spyOn(sealer, 'tick');
    sealer.track('r1', 's1', spool, 'rec-r1');
    grow();
    sealer.start();
    // Six intervals pass before the first tick can finish (it needs the file system and the database).
    vi.advanceTimersByTime(6000);
    expect(tick).toHaveBeenCalledTimes(1);
    await sealer.stop();
    expect(await sealRows(w.db, 'r1')).toHaveLength(2);
  });
});
