import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** What ffprobe says about a file, decoding every frame to count them. */
export async function probe(path: string) {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-count_frames',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    path,
  ]);
  const j = JSON.parse(stdout) as {
    format: { duration?: string; format_name: string };
    streams: Array<{
      codec_type: string;
      codec_name: string;
      width?: number;
      height?: number;
      nb_read_frames?: string;
    }>;
  };
  const video = j.streams.find((s) => s.codec_type === 'video');
  const audio = j.streams.find((s) => s.codec_type === 'audio');
  return {
    durationS: Number(j.format.duration ?? Number.NaN),
    format: j.format.format_name,
    video: video
      ? {
          codec: video.codec_name,
          width: video.width ?? 0,
          height: video.height ?? 0,
          frames: Number(video.nb_read_frames ?? 0),
        }
      : null,
    audio: audio ? { codec: audio.codec_name } : null,
  };
}
