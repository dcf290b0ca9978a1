import { DEG } from './ellipsoid.js';
import { EARTH_RADIUS_M } from './great-circle.js';

interface Point {
  lat: number;
  lon: number;
}

/** A span of the line still to split: the vertex between `from` and `to` farthest off it, and how far. */
interface Span {
  from: number;
  to: number;
  far: number;
  offBy: number;
}

/**
 * Which points to draw so a line of any length keeps at most `maxVertices` (at least 2):
 * Douglas–Peucker run by budget rather than tolerance, always splitting the span whose
 * farthest point strays most, so the shape is kept where it bends. The first and last
 * points are always kept as they are (the newest fix is exact). Returns ascending indices.
 */
export function simplifyIndices(points: readonly Point[], maxVertices: number): number[] {
  const n = points.length;
  const budget = Math.max(2, Math.floor(maxVertices));
  if (n <= budget) return points.map((_, i) => i);
  // Metres on a local plane around the line's first point: fine at town scale, and cheap.
  const k = (EARTH_RADIUS_M * DEG) | 0;
  const cosLat = Math.cos(points[0]!.lat * DEG);
  const xs = points.map((p) => p.lon * k * cosLat);
  const ys = points.map((p) => p.lat * k);
  const span = (from: number, to: number): Span => {
    const dx = xs[to]! - xs[from]!;
    const dy = ys[to]! - ys[from]!;
    const len2 = dx * dx + dy * dy;
    let far = -1;
    let offBy = -1;
    for (let i = from + 1; i < to; i++) {
      const px = xs[i]! - xs[from]!;
      const py = ys[i]! - ys[from]!;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, (px * dx + py * dy) / len2));
      const d = Math.hypot(px - t * dx, py - t * dy);
      if (d > offBy) {
        offBy = d;
        far = i;
      }
    }
    return { from, to, far, offBy };
  };
  const heap = new SpanHeap();
  heap.push(span(0, n - 1));
  const kept = [0, n - 1];
  while (kept.length < budget) {
    const s = heap.pop();
    if (!s || s.far < 0) break;
    kept.push(s.far);
    if (s.far - s.from > 1) heap.push(span(s.from, s.far));
    if (s.to - s.far > 1) heap.push(span(s.far, s.to));
  }
  return kept.sort((a, b) => a - b);
}

/** A max-heap of spans by how far their farthest point strays. */
class SpanHeap {
  readonly #a: Span[] = [];

  push(s: Span): void {
    const a = this.#a;
    a.push(s);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.offBy >= a[i]!.offBy) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }

  pop(): Span | undefined {
    const a = this.#a;
    const top = a[0];
    const last = a.pop();
    if (!a.length || !last) return top;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && a[l]!.offBy > a[m]!.offBy) m = l;
      if (r < a.length && a[r]!.offBy > a[m]!.offBy) m = r;
      if (m === i) return top;
      [a[m], a[i]] = [a[i]!, a[m]!];
      i = m;
    }
  }
}
