// Janus's .mjr recording format (record.c, MJR00002): "MJR00002", a 2-byte big-endian length and
// a JSON info header, then one frame per RTP packet: "MEET", a 4-byte big-endian time (ms since
// the recording started), a 2-byte length and the packet. janus-pp-rec orders packets by RTP
// sequence number and timestamp, so a longer recording is made by repeating a stretch of a real
// one with both carried on, as if the camera had kept sending.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

export interface MjrFrame {
  /** ms since the recording started (the frame's MEET time). */
  time: number;
  packet: Buffer;
}

export interface Mjr {
  /** Everything before the first frame (magic and info header), copied unchanged. */
  head: Buffer;
  info: { t: string; c: string };
  frames: MjrFrame[];
}

const MAGIC = 'MJR00002';
const FRAME = 'MEET';

/** Parses a whole .mjr; throws on anything that is not an MJR00002 audio or video recording. */
export async function readMjr(path: string): Promise<Mjr> {
  const buf = await readFile(path);
  if (buf.toString('latin1', 0, 8) !== MAGIC) throw new Error(`${path}: not an ${MAGIC} recording`);
  const infoLen = buf.readUInt16BE(8);
  const info = JSON.parse(buf.toString('utf8', 10, 10 + infoLen)) as Mjr['info'];
  if (info.t !== 'a' && info.t !== 'v') throw new Error(`${path}: type "${info.t}" is not audio or video`);
  const frames: MjrFrame[] = [];
  let at = 10 + infoLen;
  while (at < buf.length) {
    if (buf.toString('latin1', at, at + 4) !== FRAME) throw new Error(`${path}: bad frame header at ${at}`);
    const time = buf.readUInt32BE(at + 4);
    const len = buf.readUInt16BE(at + 8);
    frames.push({ time, packet: buf.subarray(at + 10, at + 10 + len) });
    at += 10 + len;
  }
  return { head: buf.subarray(0, 10 + infoLen), info, frames };
}

const seqOf = (p: Buffer) => p.readUInt16BE(2);
const tsOf = (p: Buffer) => p.readUInt32BE(4);

/** Offset of the RTP payload (after CSRCs and any header extension). */
function payloadOffset(p: Buffer): number {
  let at = 12 + (p[0]! & 0x0f) * 4;
  if (p[0]! & 0x10) at += 4 + p.readUInt16BE(at + 2) * 4;
  return at;
}

/** Whether a VP8 RTP packet starts a key frame (RFC 7741: S=1, PID=0, P bit clear). */
export function startsVp8KeyFrame(p: Buffer): boolean {
  let at = payloadOffset(p);
  const d = p[at]!;
  if (!(d & 0x10) || (d & 0x0f) !== 0) return false;
  at++;
  if (d & 0x80) {
    const x = p[at++]!;
    if (x & 0x80) at += p[at]! & 0x80 ? 2 : 1;
    if (x & 0x40) at++;
    if (x & 0x30) at++;
  }
  return (p[at]! & 0x01) === 0;
}

/** A stretch of packets that can be repeated back to back: its length in RTP sequence, clock and ms. */
export interface Loop {
  frames: MjrFrame[];
  seqPeriod: number;
  tsPeriod: number;
  msPeriod: number;
}

/** The longest stretch of the video from one key frame to the last, with every packet in between. */
export function videoLoop(v: Mjr): Loop {
  const keys = v.frames.map((f, i) => (startsVp8KeyFrame(f.packet) ? i : -1)).filter((i) => i >= 0);
  if (keys.length < 2) throw new Error('the seed video needs at least two key frames');
  const [a, b] = [keys[0]!, keys.at(-1)!];
  return contiguous(v.frames.slice(a, b), v.frames[a]!.packet, v.frames[b]!.packet, 90);
}

/** `ms` of audio starting at `fromTime` (the video loop's start), to repeat with the video. */
export function audioLoop(a: Mjr, fromTime: number, ms: number): Loop {
  const start = a.frames.findIndex((f) => f.time >= fromTime);
  const step = a.frames[start + 1] ? tsOf(a.frames[start + 1]!.packet) - tsOf(a.frames[start]!.packet) : 0;
  if (start < 0 || step <= 0) throw new Error('the seed audio does not cover the video loop');
  const n = Math.round((ms * 48) / step);
  if (start + n >= a.frames.length) throw new Error('the seed audio is shorter than the video loop');
  return contiguous(
    a.frames.slice(start, start + n),
    a.frames[start]!.packet,
    a.frames[start + n]!.packet,
    48,
  );
}

function contiguous(frames: MjrFrame[], first: Buffer, next: Buffer, kHz: number): Loop {
  const seqPeriod = (seqOf(next) - seqOf(first) + 0x10000) % 0x10000;
  const tsPeriod = (tsOf(next) - tsOf(first) + 0x1_0000_0000) % 0x1_0000_0000;
  const seqs = new Set(frames.map((f) => (seqOf(f.packet) - seqOf(first) + 0x10000) % 0x10000));
  if (seqs.size !== frames.length || seqs.size !== seqPeriod || [...seqs].some((s) => s >= seqPeriod))
    throw new Error(
      `the seed's packets are not contiguous (${frames.length} packets, ${seqPeriod} sequence numbers)`,
    );
  return { frames, seqPeriod, tsPeriod, msPeriod: tsPeriod / kHz };
}

/**
 * Writes `head` then `loop` repeated until `ms` of media, each repeat's sequence numbers,
 * RTP timestamps and MEET times moved on by one period, so the result reads as one stream.
 */
export async function writeLooped(path: string, head: Buffer, loop: Loop, ms: number): Promise<number> {
  const repeats = Math.ceil(ms / loop.msPeriod);
  const out = createWriteStream(path, { flags: 'wx' });
  const t0 = loop.frames[0]!.time;
  let bytes = head.length;
  out.write(head);
  for (let k = 0; k < repeats; k++) {
    const parts: Buffer[] = [];
    for (const f of loop.frames) {
      const frame = Buffer.alloc(10 + f.packet.length);
      frame.write(FRAME, 0, 'latin1');
      frame.writeUInt32BE(Math.round(f.time - t0 + k * loop.msPeriod), 4);
      frame.writeUInt16BE(f.packet.length, 8);
      f.packet.copy(frame, 10);
      frame.writeUInt16BE((seqOf(f.packet) + k * loop.seqPeriod) % 0x10000, 12);
      frame.writeUInt32BE((tsOf(f.packet) + k * loop.tsPeriod) % 0x1_0000_0000, 14);
      parts.push(frame);
    }
    const chunk = Buffer.concat(parts);
    bytes += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}
