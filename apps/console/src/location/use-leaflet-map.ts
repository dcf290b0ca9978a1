import type { ConsoleConfig } from '@sightline/protocol';
import * as L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { type RefObject, useCallback, useEffect, useRef, useState } from 'react';
import { addTiles, type TileState } from './tiles.js';

/** Great Britain, for when neither the settings nor a fix have told us where to look. */
export const FALLBACK_VIEW = { center: [54.5, -2.5] as [number, number], zoom: 6 };

/** How the officer moved the map themselves. */
export type UserMove = 'pan' | 'zoom';

export interface LeafletMap {
  /** The element the map draws into. */
  mapRef: RefObject<HTMLElement | null>;
  /** The Leaflet map once created (null before mount and after unmount). */
  map: RefObject<L.Map | null>;
  tiles: TileState;
  /** Moves the map for the officer (fit, follow): such moves are never taken for the officer's own. */
  moveQuietly(fn: (map: L.Map) => void): void;
}

/**
 * The Leaflet set-up every live map shares: the map itself (keyboard, zoom buttons, an
 * attribution without Leaflet's inline-styled flag, which our CSP forbids), the configured
 * tiles with their state, resizing with its box, and telling the officer's own pans and zooms
 * (drag, arrow keys, wheel, pinch, buttons) apart from the moves the page makes.
 * `hasView()` says whether the page has placed the map already (then the settings' starting
 * view, arriving later, must not move it).
 */
export function useLeafletMap(
  config: ConsoleConfig | null,
  { onUserMove, hasView }: { onUserMove: (kind: UserMove) => void; hasView: () => boolean },
): LeafletMap {
  const mapRef = useRef<HTMLElement>(null);
  const map = useRef<L.Map | null>(null);
  const quiet = useRef(false);
  const [tiles, setTiles] = useState<TileState>('loading');
  // The callbacks change with each render; the map is made once.
  const handlers = useRef({ onUserMove, hasView });
  handlers.current = { onUserMove, hasView };

  const moveQuietly = useCallback((fn: (m: L.Map) => void) => {
    const m = map.current;
    if (!m) return;
    quiet.current = true;
    try {
      fn(m);
    } finally {
      quiet.current = false;
    }
  }, []);

  useEffect(() => {
    const el = mapRef.current;
    if (!el) return;
    const m = L.map(el, { zoomControl: true, attributionControl: false, keyboard: true });
    L.control.attribution({ prefix: false }).addTo(m);
    map.current = m;
    moveQuietly((q) => q.setView(FALLBACK_VIEW.center, FALLBACK_VIEW.zoom));
    m.on('dragstart', () => handlers.current.onUserMove('pan'));
    // Our own fits run synchronously inside moveQuietly; a wheel or pinch zoom starts later.
    m.on('zoomstart', () => {
      if (!quiet.current) handlers.current.onUserMove('zoom');
    });
    const onKey = (e: KeyboardEvent) => {
      if (e.key.startsWith('Arrow')) handlers.current.onUserMove('pan');
    };
    el.addEventListener('keydown', onKey);
    const resize = new ResizeObserver(() => moveQuietly((q) => q.invalidateSize()));
    resize.observe(el);
    return () => {
      resize.disconnect();
      el.removeEventListener('keydown', onKey);
      m.remove();
      map.current = null;
    };
  }, [moveQuietly]);

  const mapConfig = config?.map ?? null;
  useEffect(() => {
    const m = map.current;
    if (!m || !mapConfig) return;
    if (!handlers.current.hasView()) moveQuietly((q) => q.setView(mapConfig.center, mapConfig.zoom));
    return addTiles(m, mapConfig, setTiles);
  }, [mapConfig, moveQuietly]);

  return { mapRef, map, tiles, moveQuietly };
}
