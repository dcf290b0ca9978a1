import { type KeyboardEvent, type PointerEvent, type RefObject, useEffect, useRef } from 'react';
import { useStore } from '../lib/use-store.js';
import {
  contentBox,
  nudge,
  type PixelBox,
  type Point,
  parseSeconds,
  rectFromDrag,
  toPixels,
} from './redaction-geometry.js';
import type { RedactionStore } from './redaction-store.js';

const ACTIVE = 'rgb(200 16 46 / 35%)';
const EDGE = '#ffbf47';
const SELECTED = '#ffffff';

/**
 * The drawing surface over the video: drag to add a rectangle to blur. Areas
 * blurred at the current time are filled, the others outlined. With focus,
 * arrow keys move the selected area (Shift+arrows resize it), so the pointer
 * is never the only way.
 */
export function RedactionCanvas({
  store,
  videoRef,
  mediaTime,
}: {
  store: RedactionStore;
  videoRef: RefObject<HTMLVideoElement | null>;
  mediaTime: number;
}) {
  const { regions, selected } = useStore(store);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const drag = useRef<{ start: Point; now: Point } | null>(null);
  const timeRef = useRef(mediaTime);
  timeRef.current = mediaTime;

  const frameBox = (): PixelBox => {
    const c = canvasRef.current;
    const v = videoRef.current;
    const element = { width: c?.clientWidth ?? 0, height: c?.clientHeight ?? 0 };
    return contentBox(element, { width: v?.videoWidth ?? 0, height: v?.videoHeight ?? 0 });
  };

  const draw = () => {
    const c = canvasRef.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const ratio = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const h = c.clientHeight;
    if (c.width !== Math.round(w * ratio) || c.height !== Math.round(h * ratio)) {
      c.width = Math.round(w * ratio);
      c.height = Math.round(h * ratio);
    }
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const box = frameBox();
    const t = timeRef.current;
    for (const r of store.get().regions) {
      const px = toPixels(box, r);
      const from = parseSeconds(r.from);
      const to = parseSeconds(r.to);
      const active = from !== null && to !== null && t >= from && t <= to;
      if (active) {
        ctx.fillStyle = ACTIVE;
        ctx.fillRect(px.left, px.top, px.width, px.height);
      }
      const isSelected = r.id === store.get().selected;
      ctx.setLineDash(active ? [] : [6, 4]);
      ctx.lineWidth = isSelected ? 3 : 2;
      ctx.strokeStyle = isSelected ? SELECTED : EDGE;
      ctx.strokeRect(px.left, px.top, px.width, px.height);
    }
    const d = drag.current;
    if (d) {
      ctx.setLineDash([4, 3]);
      ctx.lineWidth = 2;
      ctx.strokeStyle = SELECTED;
      ctx.strokeRect(
        Math.min(d.start.x, d.now.x),
        Math.min(d.start.y, d.now.y),
        Math.abs(d.now.x - d.start.x),
        Math.abs(d.now.y - d.start.y),
      );
    }
  };

  // Redraw on every change that moves a rectangle or its activity; and when the element resizes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: draw reads the store and refs; these are its triggers.
  useEffect(draw, [regions, selected, mediaTime]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: set up once; draw always reads current state.
  useEffect(() => {
    const c = canvasRef.current;
    const v = videoRef.current;
    if (!c) return;
    const resize = new ResizeObserver(() => draw());
    resize.observe(c);
    v?.addEventListener('loadedmetadata', draw);
    return () => {
      resize.disconnect();
      v?.removeEventListener('loadedmetadata', draw);
    };
  }, [videoRef]);

  const point = (e: PointerEvent<HTMLCanvasElement>): Point => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const p = point(e);
    drag.current = { start: p, now: p };
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!drag.current) return;
    drag.current.now = point(e);
    draw();
  };
  const onPointerUp = (e: PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    drag.current = null;
    if (!d) return;
    const rect = rectFromDrag(frameBox(), d.start, point(e));
    if (rect) store.addRegion(rect, timeRef.current);
    else draw();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const r = regions.find((x) => x.id === selected);
    const step = { ArrowLeft: [-0.01, 0], ArrowRight: [0.01, 0], ArrowUp: [0, -0.01], ArrowDown: [0, 0.01] }[
      e.key
    ];
    if (!r || !step) return;
    e.preventDefault();
    const next = nudge(r, step[0] ?? 0, step[1] ?? 0, e.shiftKey);
    store.setRect(r.id, next);
  };

  return (
    <canvas
      ref={canvasRef}
      className="redact-canvas"
      data-testid="redact-canvas"
      tabIndex={0}
      aria-label="Redaction drawing area. Drag over the video to mark an area to blur. Arrow keys move the selected area; Shift with arrow keys resizes it."
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={() => {
        drag.current = null;
        draw();
      }}
      onKeyDown={onKeyDown}
    />
  );
}
