import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';

const run = promisify(execFile);

export interface MjrHeader {
  kind: 'audio' | 'video';
  codec: string;
  /** RTP header extension ids by URI, as negotiated when recording. */
  extensions: Record<string, string>;
  /** When Janus wrote the first packet (ms since epoch), if recorded. */
  firstPacketAt: number | null;
}

export interface ProbeResult {
  durationMs: number | null;
  streams: Array<{ type: string; codec: string; width?: number; height?: number; frames?: number }>;
}

const MjrJson = z.object({
  t: z.enum(['a', 'v', 'd']),
  c: z.string(),
  x: z.record(z.string(), z.string()).optional(),
  /** First packet written, µs since the epoch. */
  u: z.number().optional(),
});
const ProbeJson = z.object({
  format: z.object({ duration: z.string().optional() }).optional(),
  streams: z.array(
    z.object({
      codec_type: z.string(),
      codec_name: z.string().optional(),
      width: z.number().optional(),
      height: z.number().optional(),
      nb_read_frames: z.string().optional(),
    }),
  ),
});

const VIDEO_ORIENTATION = 'urn:3gpp:video-orientation';

/** janus-pp-rec, ffmpeg and ffprobe, run as child processes. None of them ever re-encodes. */
export class MediaTools {
  constructor(private readonly bins: { janusPpRec: string; ffmpeg: string; ffprobe: string }) {}

  async readMjrHeader(path: string): Promise<MjrHeader> {
    const { stdout } = await run(this.bins.janusPpRec, ['--json', path], { timeout: 30_000 });
    const header = MjrJson.parse(JSON.parse(stdout.trim().split('\n').pop() ?? '{}'));
    if (header.t === 'd') throw new Error(`${path} is a data recording, not media`);
    const extensions: Record<string, string> = {};
    for (const [id, uri] of Object.entries(header.x ?? {})) extensions[uri] = id;
    return {
      kind: header.t === 'a' ? 'audio' : 'video',
      codec: header.c,
      extensions,
      firstPacketAt: header.u ? Math.round(header.u / 1000) : null,
    };
  }

  /**
   * Depacketises an .mjr into a playable file without transcoding. For video,
   * phone orientation carried in RTP becomes rotation metadata in the output.
   */
  async depacketise(mjr: string, header: MjrHeader, out: string): Promise<void> {
    const args: string[] = [];
    const orient = header.extensions[VIDEO_ORIENTATION];
    if (header.kind === 'video' && orient) args.push('--videoorient-ext', orient);
    if (out.endsWith('.mp4')) args.push('--faststart');
    await run(this.bins.janusPpRec, [...args, mjr, out], {
      timeout: 10 * 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  }

  /** Joins separate audio and video files into one container with `-c copy`. */
  async mux(inputs: { video: string | null; audio: string | null }, out: string): Promise<void> {
    const args = ['-hide_banner', '-loglevel', 'error', '-y'];
    const maps: string[] = [];
    let index = 0;
    if (inputs.video) {
      args.push('-i', inputs.video);
      maps.push('-map', `${index++}:v:0`);
    }
    if (inputs.audio) {
      args.push('-i', inputs.audio);
      maps.push('-map', `${index++}:a:0`);
    }
    if (index === 0) throw new Error('nothing to mux');
    args.push(...maps, '-c', 'copy');
    if (out.endsWith('.mp4')) args.push('-movflags', '+faststart');
    args.push(out);
    await run(this.bins.ffmpeg, args, { timeout: 10 * 60_000, maxBuffer: 16 * 1024 * 1024 });
  }

  /** Reads duration and streams; with `countFrames`, decodes to count video frames. */
  async probe(path: string, countFrames = false): Promise<ProbeResult> {
    const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams'];
    if (countFrames) args.push('-count_frames');
    const { stdout } = await run(this.bins.ffprobe, [...args, path], {
      timeout: 5 * 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const json = ProbeJson.parse(JSON.parse(stdout));
    const seconds = json.format?.duration ? Number(json.format.duration) : Number.NaN;
    return {
      durationMs: Number.isFinite(seconds) ? Math.round(seconds * 1000) : null,
      streams: json.streams.map((s) => ({
        type: s.codec_type,
        codec: s.codec_name ?? 'unknown',
        ...(s.width ? { width: s.width } : {}),
        ...(s.height ? { height: s.height } : {}),
        ...(s.nb_read_frames ? { frames: Number(s.nb_read_frames) } : {}),
      })),
    };
  }
}
