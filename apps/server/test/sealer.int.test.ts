import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  chainHolds,
  newSealer,
  piece,
  type SealWorld,
  sealRows,
  sealWorld,
  seedRecording,
  sha256,
  verifyAsExport,
} from './seal-fixture.js';

const CHILD = fileURLToPath(new URL('./sealer-child.ts', import.meta.url));

let w: SealWorld;
let spool: string;
let video: string;
let audio: string;
/** Appends to both files as Janus does: packets of different sizes, audio smaller than video. */
let seed = 0;
const grow = (videoPaths = video) => {
  seed++;
  appendFileSync(videoPaths, piece(3000 + seed * 17, seed));
  appendFileSync(audio, piece(160 + seed, seed + 100));
};

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
/** Sealers a test left tracking (a crash leaves them so): finished, so their files are closed. */
const live: Array<ReturnType<typeof newSealer>> = [];
afterEach(async () => {
  for (const sealer of live.splice(0)) await sealer.finish('r1').catch(() => {});
  await w?.close();
});

describe('sealing a growing recording, reading only what was appended', () => {
  it('a sealer killed after one seal and before the next loses nothing: a fresh recover() checks the sealed prefix, seals the tail flagged recovered, and the chain verifies offline', async () => {
    const child = startChild();
    for (let k = 1; k <= 3; k++) {
      grow();
      expect(await child.ask('tick')).toBe(`sealed ${2 * k}`);
    }
    // Bytes the killed sealer never saw: appended before the kill, and after it (Janus runs on).
    grow();
    await child.kill();
    grow();
    renameSync(video, video.replace(/\.tmp$/, '')); // Janus closed the video file meanwhile
    const closedVideo = video.replace(/\.tmp$/, '');
    grow(closedVideo);

    const before = await sealRows(w.db, 'r1');
    expect(before).toHaveLength(6);
    expect(before.every((s) => s.recovered === 0)).toBe(true);
    const sealedBytes = new Map(before.map((s) => [s.file_name, Number(s.offset)]));

    const r = await newSealer(w.db).recover('r1', 's1', spool, 'rec-r1');

    const files = { 'rec-r1-video-1.mjr': closedVideo, 'rec-r1-audio-0.mjr': audio };
    const total = Object.values(files).reduce((a, p) => a + readFileSync(p).length, 0);
    expect(r.recoveredBytes).toBe(total - [...sealedBytes.values()].reduce((a, b) => a + b, 0));
    const after = await sealRows(w.db, 'r1');
    expect(after.slice(0, 6)).toEqual(before);
    expect(after.slice(6).map((s) => [s.file_name, s.recovered])).toEqual([
      ['rec-r1-audio-0.mjr', 1],
      ['rec-r1-video-1.mjr', 1],
    ]);
    expect(chainHolds('r1', after)).toBe(true);
    for (const [name, path] of Object.entries(files)) {
      const bytes = readFileSync(path);
      expect(r.seals.find((s) => s.fileName === name)).toEqual({
        fileName: name,
        offset: bytes.length,
        prefixSha256: sha256(bytes),
      });
      // Every seal, live or recovered, is true to the bytes now on disk.
      for (const s of after.filter((x) => x.file_name === name))
        expect(sha256(bytes.subarray(0, Number(s.offset)))).toBe(s.prefix_sha256);
    }
    const v = await verifyAsExport(
      'r1',
      Object.entries(files).map(([fileName, path]) => ({ fileName, path })),
      after,
      w.dir,
    );
    expect(v.problems).toEqual([]);
    expect(v.checks).toContain(`media/r1/rec-r1-video-1.mjr: matches all 4 seals made while it was recorded`);
    expect(
      v.checks.some((c) => /chain of 8 seals intact \(the last seals were written at recovery/.test(c)),
    ).toBe(true);
  });

  it('a sealer killed in the middle of a tick leaves that tick either wholly committed or not at all, and recovery continues the chain', async () => {
    const child = startChild();
    grow();
    expect(await child.ask('tick')).toBe('sealed 2');
    grow();
    child.send('tick');
    await child.kill(); // wherever the tick was: hashing, writing, or done
    const before = await sealRows(w.db, 'r1');
    // One transaction per tick: both files' seals of the second tick, or neither.
    expect([2, 4]).toContain(before.length);
    grow();
    await newSealer(w.db).recover('r1', 's1', spool, 'rec-r1');
    const after = await sealRows(w.db, 'r1');
    expect(after.slice(0, before.length)).toEqual(before);
    expect(chainHolds('r1', after)).toBe(true);
    expect(after.at(-1)!.recovered).toBe(1);
    for (const path of [video, audio]) {
      const bytes = readFileSync(path);
      const last = after.filter((s) => path.endsWith(`${s.file_name}.tmp`)).at(-1)!;
      expect([Number(last.offset), last.prefix_sha256]).toEqual([bytes.length, sha256(bytes)]);
    }
  });

  it('a tick that fires while a recording is being finished does not disturb its running hashes', async () => {
    const sealer = newSealer(w.db);
    sealer.track('r1', 's1', spool, 'rec-r1');
    grow();
    await sealer.tick();
    grow();
    // finish() first, then the timer's tick at once: both must not feed the same bytes twice.
    const [final] = await Promise.all([sealer.finish('r1'), sealer.tick(), sealer.tick()]);
    const rows = await sealRows(w.db, 'r1');
    expect(rows).toHaveLength(4);
    expect(chainHolds('r1', rows)).toBe(true);
    for (const path of [video, audio]) {
      const bytes = readFileSync(path);
      const name = path
        .split('/')
        .pop()!
        .replace(/\.tmp$/, '');
      expect(final.find((s) => s.fileName === name)!.prefixSha256).toBe(sha256(bytes));
      for (const s of rows.filter((x) => x.file_name === name))
        expect(sha256(bytes.subarray(0, Number(s.offset)))).toBe(s.prefix_sha256);
    }
  });
});

describe('one transaction per tick', () => {
  it('a recording whose seals cannot be written does not hold back the others, and its chain resumes unbroken once they can', async () => {
    const sealer = newSealer(w.db);
    live.push(sealer);
    sealer.track('r1', 's1', spool, 'rec-r1');
    // r2 has no recording row yet, so its seals break a foreign key and its commit fails.
    const spool2 = join(w.dir, 's2');
    mkdirSync(spool2);
    const video2 = join(spool2, 'rec-r2-video-1.mjr.tmp');
    writeFileSync(video2, piece(5000, 1));
    sealer.track('r2', 's2', spool2, 'rec-r2');
    grow();
    await sealer.tick();
    expect(await sealRows(w.db, 'r1')).toHaveLength(2);
    expect(await sealRows(w.db, 'r2')).toHaveLength(0);

    await seedRecording(w.db, 'r2', 's2');
    appendFileSync(video2, piece(700, 2));
    grow();
    await sealer.tick();
    const r2 = await sealRows(w.db, 'r2');
    // The failed tick's bytes are not lost: the first seal written covers them too.
    expect(r2.map((x) => [Number(x.seq), Number(x.offset)])).toEqual([[1, 5700]]);
    expect(r2[0]!.prefix_sha256).toBe(sha256(readFileSync(video2)));
    expect(chainHolds('r2', r2)).toBe(true);
    expect(chainHolds('r1', await sealRows(w.db, 'r1'))).toBe(true);
    await sealer.finish('r2');
  });
});

describe('the new sealing detects the same tampering', () => {
  /** Three live seals of each file, then the final one, as a finished recording has. */
  async function sealedRecording() {
    const sealer = newSealer(w.db);
    live.push(sealer);
    sealer.track('r1', 's1', spool, 'rec-r1');
    for (let k = 0; k < 3; k++) {
      grow();
      await sealer.tick();
    }
    return sealer;
  }
  const masters = () => [
    { fileName: 'rec-r1-video-1.mjr', path: video },
    { fileName: 'rec-r1-audio-0.mjr', path: audio },
  ];

  it('a byte changed inside a sealed prefix is caught at recovery and by the export verifier', async () => {
    await sealedRecording();
    const bytes = readFileSync(video);
    bytes[1000] = bytes[1000]! ^ 0x01; // well inside the first seal's prefix
    writeFileSync(video, bytes);
    await expect(newSealer(w.db).recover('r1', 's1', spool, 'rec-r1')).rejects.toThrow(
      /rec-r1-video-1\.mjr no longer matches its seal #\d+/,
    );
    const v = await verifyAsExport('r1', masters(), await sealRows(w.db, 'r1'), w.dir);
    expect(v.ok).toBe(false);
    expect(v.problems).toContain('media/r1/rec-r1-video-1.mjr: does not match its final seal');
  });

  it('a file cut shorter than what was sealed is caught at recovery and by the export verifier', async () => {
    await sealedRecording();
    const sealed = Number(
      (await sealRows(w.db, 'r1')).filter((s) => s.file_name.includes('audio')).at(-1)!.offset,
    );
    truncateSync(audio, sealed - 10);
    await expect(newSealer(w.db).recover('r1', 's1', spool, 'rec-r1')).rejects.toThrow(
      /rec-r1-audio-0\.mjr no longer matches its seal/,
    );
    const v = await verifyAsExport('r1', masters(), await sealRows(w.db, 'r1'), w.dir);
    expect(v.problems).toContain('media/r1/rec-r1-audio-0.mjr: does not match its final seal');
  });

  it('a seal that is altered, even with its own hash recomputed, breaks the chain for the export verifier', async () => {
    const sealer = await sealedRecording();
    await sealer.finish('r1');
    const rows = await sealRows(w.db, 'r1');
    const intact = await verifyAsExport('r1', masters(), rows, w.dir);
    expect(intact.problems).toEqual([]);

    const moved = await verifyAsExport('r1', masters(), rows, w.dir, (l, i) => {
      if (i === 1) l.offset = Number(l.offset) - 1;
    });
    expect(moved.problems).toContain(`seals/r1.jsonl: seal #2 breaks the chain`);

    const { sealHash } = await import('../src/evidence/seal-chain.js');
    const forged = await verifyAsExport('r1', masters(), rows, w.dir, (l, i) => {
      if (i !== 1) return;
      l.at = Number(l.at) - 60_000; // claim the bytes existed a minute earlier
      l.hash = sealHash(l as unknown as Parameters<typeof sealHash>[0]);
    });
    expect(forged.problems).toContain(`seals/r1.jsonl: seal #3 breaks the chain`);
  });
});

/** The sealer-child process, told when to seal. */
function startChild() {
  const proc: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      CHILD,
      JSON.stringify({ url: w.url, dir: w.dir, recordingId: 'r1', sessionId: 's1' }),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines: string[] = [];
  const waiting: Array<(l: string) => void> = [];
  let buf = '';
  proc.stdout!.on('data', (c: Buffer) => {
    buf += String(c);
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const next = waiting.shift();
      if (next) next(line);
      else lines.push(line);
    }
  });
  const exited = new Promise<NodeJS.Signals | null>((r) => proc.once('exit', (_code, signal) => r(signal)));
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      if (lines.length) return resolve(lines.shift()!);
      waiting.push(resolve);
      void exited.then(() => reject(new Error('the sealer child exited')));
    });
  const ready = nextLine();
  return {
    send: (line: string) => proc.stdin!.write(`${line}\n`),
    ask: async (line: string) => {
      expect(await ready).toBe('ready');
      proc.stdin!.write(`${line}\n`);
      return nextLine();
    },
    kill: async () => {
      proc.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
    },
  };
}
