// Geometry of the redaction editor. Rectangles are stored as fractions of the video frame
// (what the server's BlurRegion takes), drawn in pixels on a canvas laid over the <video>.
// The video is letterboxed (object-fit: contain), so the frame is not the element's box.

export interface Size {
  width: number;
  height: number;
}
export interface Point {
  x: number;
  y: number;
}
/** Pixels, relative to the element's top-left corner. */
export interface PixelBox {
  left: number;
  top: number;
  width: number;
  height: number;
}
/** Fractions of the frame, 0..1, as BlurRegion has them. */
export interface FracRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Smallest rectangle side, as a fraction: anything smaller is a stray click, not a region. */
export const MIN_SIDE = 0.01;
/** How long a new region lasts by default, seconds. */
export const DEFAULT_SPAN_S = 5;

const clamp01 = (v: number): number => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

/** Where the frame is drawn inside an element of `element` size with object-fit: contain. */
export function contentBox(element: Size, video: Size): PixelBox {
  if (video.width <= 0 || video.height <= 0 || element.width <= 0 || element.height <= 0) {
    return { left: 0, top: 0, width: Math.max(0, element.width), height: Math.max(0, element.height) };
  }
  const scale = Math.min(element.width / video.width, element.height / video.height);
  const width = video.width * scale;
  const height = video.height * scale;
  return { left: (element.width - width) / 2, top: (element.height - height) / 2, width, height };
}

/** An element pixel as a fraction of the frame, clamped into it (drags may leave the picture). */
export function toFraction(box: PixelBox, p: Point): Point {
  if (box.width <= 0 || box.height <= 0) return { x: 0, y: 0 };
  return { x: clamp01((p.x - box.left) / box.width), y: clamp01((p.y - box.top) / box.height) };
}

/** A stored rectangle in element pixels, for drawing. */
export function toPixels(box: PixelBox, r: FracRect): PixelBox {
  return {
    left: box.left + r.x * box.width,
    top: box.top + r.y * box.height,
    width: r.width * box.width,
    height: r.height * box.height,
  };
}

/** The rectangle between two drag points (dragged in any direction); null if too small to mean anything. */
export function rectFromDrag(box: PixelBox, a: Point, b: Point): FracRect | null {
  const p = toFraction(box, a);
  const q = toFraction(box, b);
  const rect = {
    x: round4(Math.min(p.x, q.x)),
    y: round4(Math.min(p.y, q.y)),
    width: round4(Math.abs(p.x - q.x)),
    height: round4(Math.abs(p.y - q.y)),
  };
  return rect.width < MIN_SIDE || rect.height < MIN_SIDE ? null : rect;
}

/**
 * Forces a rectangle into the frame: sides at least MIN_SIDE and at most the
 * frame, position moved (not the size cut) so it fits. Typed numbers go
 * through this, so the server never sees a region outside the picture.
 */
export function clampRect(r: FracRect): FracRect {
  const width = Math.min(1, Math.max(MIN_SIDE, Number.isFinite(r.width) ? r.width : MIN_SIDE));
  const height = Math.min(1, Math.max(MIN_SIDE, Number.isFinite(r.height) ? r.height : MIN_SIDE));
  const x = Math.min(1 - width, clamp01(r.x));
  const y = Math.min(1 - height, clamp01(r.y));
  return { x: round4(x), y: round4(y), width: round4(width), height: round4(height) };
}

/** Four decimals is a tenth of a pixel on a 4K frame; more only makes the request noisy. */
const round4 = (v: number): number => Math.round(v * 10_000) / 10_000;

/** A rectangle centred in the frame, for adding a region without a pointer. */
export function centredRect(side = 0.3): FracRect {
  return clampRect({ x: (1 - side) / 2, y: (1 - side) / 2, width: side, height: side });
}

/** Moves or resizes by keyboard: arrow keys step by 1% of the frame. */
export function nudge(r: FracRect, dx: number, dy: number, resize: boolean): FracRect {
  return clampRect(
    resize ? { ...r, width: r.width + dx, height: r.height + dy } : { ...r, x: r.x + dx, y: r.y + dy },
  );
}

/** Default time span for a new region: from now for five seconds, kept inside the recording. */
export function defaultSpan(current: number, duration: number | null): { from: number; to: number } {
  const from = Math.max(0, round1(current));
  if (duration === null || !Number.isFinite(duration)) return { from, to: round1(from + DEFAULT_SPAN_S) };
  const end = round1(duration);
  if (from + DEFAULT_SPAN_S <= end) return { from, to: round1(from + DEFAULT_SPAN_S) };
  // Near the end: keep the span's length by starting it earlier.
  return { from: Math.max(0, round1(end - DEFAULT_SPAN_S)), to: end };
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

/** A typed time in seconds ("7", "7.5", "0:07.5"); null if it is not one. */
export function parseSeconds(text: string): number | null {
  const t = text.trim();
  if (!t) return null;
  const mmss = /^(\d+):([0-5]?\d(?:\.\d+)?)$/.exec(t);
  if (mmss) return Number(mmss[1]) * 60 + Number(mmss[2]);
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  return Number(t);
}

/** What is wrong with a time range, in words; null if it is usable. */
export function rangeError(from: string, to: string, duration: number | null): string | null {
  const f = parseSeconds(from);
  const t = parseSeconds(to);
  if (f === null) return 'Enter a start time in seconds.';
  if (t === null) return 'Enter an end time in seconds.';
  if (t <= f) return 'The end must be after the start.';
  // A little slack: the reported duration is rounded and the last frame may sit just past it.
  if (duration !== null && Number.isFinite(duration) && f > duration + 0.5)
    return 'The start is after the end of the recording.';
  return null;
}

/** A fraction as a percentage for the numeric fields ("12.5"). */
export function toPercentText(v: number): string {
  return String(Math.round(v * 1000) / 10);
}

/** A typed percentage back to a fraction; null if not a number. */
export function fromPercentText(text: string): number | null {
  const t = text.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  return Number(t) / 100;
}
