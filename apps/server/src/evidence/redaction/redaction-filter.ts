import type { CreateRedactionRequest } from '@sightline/protocol';

export interface Frame {
  width: number;
  height: number;
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
const t = (s: number) => s.toFixed(3);

/**
 * The ffmpeg filter graph for a redaction: each rectangle is cropped, blurred
 * hard, and laid back over the frame only between its times; audio is silenced
 * in the mute ranges. Coordinates arrive as fractions of the frame, so they mean
 * the same whatever resolution the phone sent.
 */
export function redactionFilter(
  spec: Pick<CreateRedactionRequest, 'regions' | 'mute'>,
  frame: Frame,
  hasAudio: boolean,
) {
  const parts: string[] = [];
  let video = '0:v';
  if (spec.regions.length > 0) {
    parts.push(
      `[0:v]split=${spec.regions.length + 1}[base]${spec.regions.map((_, i) => `[src${i}]`).join('')}`,
    );
    video = 'base';
    spec.regions.forEach((r, i) => {
      const x = Math.min(even(r.x * frame.width), frame.width - 2);
      const y = Math.min(even(r.y * frame.height), frame.height - 2);
      const w = Math.min(even(r.width * frame.width), frame.width - x);
      const h = Math.min(even(r.height * frame.height), frame.height - y);
      // boxblur's radius must stay below half the smaller side; two passes make faces unreadable.
      const radius = Math.max(1, Math.min(Math.floor(Math.min(w, h) / 2) - 1, 40));
      parts.push(
        `[src${i}]crop=${w}:${h}:${x}:${y},boxblur=luma_radius=${radius}:luma_power=3:chroma_radius=${Math.max(1, Math.floor(radius / 2))}:chroma_power=3[blur${i}]`,
      );
      parts.push(`[${video}][blur${i}]overlay=${x}:${y}:enable='between(t,${t(r.from)},${t(r.to)})'[v${i}]`);
      video = `v${i}`;
    });
  }
  let audio: string | null = hasAudio ? '0:a' : null;
  if (hasAudio && spec.mute.length > 0) {
    const when = spec.mute.map((m) => `between(t,${t(m.from)},${t(m.to)})`).join('+');
    parts.push(`[0:a]volume=volume=0:enable='${when}'[aout]`);
    audio = 'aout';
  }
  return {
    graph: parts.join(';'),
    videoOut: video === '0:v' ? '0:v' : `[${video}]`,
    audioOut: audio === null ? null : audio === '0:a' ? '0:a' : `[${audio}]`,
  };
}
