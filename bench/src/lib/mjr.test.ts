import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readMjr, startsVp8KeyFrame, videoLoop, writeLooped } from './mjr.js';

/** An RTP packet carrying a VP8 payload descriptor (S bit, PID 0) and the first payload byte. */
function vp8(seq: number, ts: number, start: boolean, key: boolean): Buffer {
  const p = Buffer.alloc(16);
  p[0] = 0x80;
  p[1] = 96;
  p.writeUInt16BE(seq, 2);
  p.writeUInt32BE(ts, 4);
  p[12] = start ? 0x10 : 0x00;
  p[13] = key ? 0x00 : 0x01;
  return p;
}

function mjr(packets: Array<{ time: number; packet: Buffer }>): Buffer {
  const info = Buffer.from(JSON.stringify({ t: 'v', c: 'vp8' }));
  const head = Buffer.alloc(10);
  head.write('MJR00002', 0, 'latin1');
  head.writeUInt16BE(info.length, 8);
  const frames = packets.map(({ time, packet }) => {
    const f = Buffer.alloc(10);
    f.write('MEET', 0, 'latin1');
    f.writeUInt32BE(time, 4);
    f.writeUInt16BE(packet.length, 8);
    return Buffer.concat([f, packet]);
  });
  return Buffer.concat([head, info, ...frames]);
}

describe('lengthening a recording', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mjr-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('repeats key frame to key frame with sequence numbers, timestamps and times carried on across the wrap', async () => {
    // A delta frame, a key frame at 65534, two deltas, a key frame at 1 (the sequence wraps):
    // the loop is the 3 packets from the first key frame to the last, 9000 ticks.
    const seed = join(dir, 'seed.mjr');
    await writeFile(
      seed,
      mjr([
        { time: 0, packet: vp8(65533, 1000, true, false) },
        { time: 33, packet: vp8(65534, 4000, true, true) },
        { time: 66, packet: vp8(65535, 7000, true, false) },
        { time: 100, packet: vp8(0, 10000, true, false) },
        { time: 133, packet: vp8(1, 13000, true, true) },
      ]),
    );
    const v = await readMjr(seed);
    expect(v.frames.map((f) => startsVp8KeyFrame(f.packet))).toEqual([false, true, false, false, true]);
    const loop = videoLoop(v);
    expect(loop).toMatchObject({ seqPeriod: 3, tsPeriod: 9000, msPeriod: 100 });

    const out = join(dir, 'long.mjr');
    await writeLooped(out, v.head, loop, 300);
    const long = await readMjr(out);
    expect(long.frames.map((f) => f.packet.readUInt16BE(2))).toEqual([65534, 65535, 0, 1, 2, 3, 4, 5, 6]);
    expect(long.frames.map((f) => f.packet.readUInt32BE(4))).toEqual([
      4000, 7000, 10000, 13000, 16000, 19000, 22000, 25000, 28000,
    ]);
    expect(long.frames.map((f) => f.time)).toEqual([0, 33, 67, 100, 133, 167, 200, 233, 267]);
  });

  it('refuses a seed with a packet missing, rather than writing a stream with holes', async () => {
    const seed = join(dir, 'gap.mjr');
    await writeFile(
      seed,
      mjr([
        { time: 0, packet: vp8(10, 0, true, true) },
        { time: 33, packet: vp8(12, 3000, true, false) },
        { time: 66, packet: vp8(13, 6000, true, true) },
      ]),
    );
    const v = await readMjr(seed);
    expect(() => videoLoop(v)).toThrow(/not contiguous/);
  });
});
