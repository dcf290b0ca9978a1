import type { ConsoleConfig, ReceivedFix } from '@sightline/protocol';
import * as L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef, useState } from 'react';
import { formatTime } from '../lib/format.js';
import { showFix } from '../location/fix-marker.js';
import {
  type FollowState,
  initialFollow,
  type MapMove,
  onFix,
  onResume,
  onUserMoved,
  trailLatLngs,
} from '../location/map-state.js';
import { addTiles, type TileState } from '../location/tiles.js';

const FALLBACK_VIEW = { center: [54.5, -2.5] as [number, number], zoom: 6 };
const TRAIL_ALL = '#8fa6c6';
const TRAIL_DONE = '#1d4f91';

interface Layers {
  map: L.Map;
  marker: L.CircleMarker | null;
  accuracy: L.Circle | null;
  trail: L.Polyline;
  travelled: L.Polyline;
}

/**
 * The caller's position at the moment being played back: the whole trail
 * faint, the part travelled so far strong, and the fix the phone had reported
 * at that moment. `fixIndex` is into `track`, which is sorted by fix time.
 */
export function PlaybackMap({
  config,
  track,
  fixIndex,
  unavailable,
}: {
  config: ConsoleConfig | null;
  track: ReceivedFix[];
  fixIndex: number;
  /** Why there is no track to show (the role cannot read it), if so. */
  unavailable?: string | null;
}) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<HTMLElement>(null);
  const layers = useRef<Layers | null>(null);
  const follow = useRef<FollowState>(initialFollow);
  const [following, setFollowing] = useState(true);
  const [tiles, setTiles] = useState<TileState>('loading');
  const fix = fixIndex >= 0 ? (track[fixIndex] ?? null) : null;
  const fixRef = useRef(fix);
  fixRef.current = fix;

  useEffect(() => {
    const el = mapRef.current;
    if (!el) return;
    const map = L.map(el, { zoomControl: true, attributionControl: false, keyboard: true });
    // Leaflet's default prefix injects an inline-styled SVG flag, which our CSP forbids.
    L.control.attribution({ prefix: false }).addTo(map);
    map.setView(FALLBACK_VIEW.center, FALLBACK_VIEW.zoom);
    const stopFollowing = () => {
      follow.current = onUserMoved(follow.current);
      setFollowing(follow.current.following);
    };
    map.on('dragstart', stopFollowing);
    el.addEventListener('keydown', (e) => {
      if (e.key.startsWith('Arrow')) stopFollowing();
    });
    const trail = L.polyline([], { color: TRAIL_ALL, weight: 3, opacity: 0.9, interactive: false }).addTo(
      map,
    );
    const travelled = L.polyline([], { color: TRAIL_DONE, weight: 4, interactive: false }).addTo(map);
    layers.current = { map, marker: null, accuracy: null, trail, travelled };
    const resize = new ResizeObserver(() => map.invalidateSize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      map.remove();
      layers.current = null;
      follow.current = initialFollow;
    };
  }, []);

  const mapConfig = config?.map ?? null;
  useEffect(() => {
    const l = layers.current;
    if (!l || !mapConfig) return;
    if (!follow.current.centred) l.map.setView(mapConfig.center, mapConfig.zoom);
    return addTiles(l.map, mapConfig, setTiles);
  }, [mapConfig]);

  // The whole route, framed once when it arrives, so the officer sees where the caller went.
  useEffect(() => {
    const l = layers.current;
    if (!l) return;
    const all = trailLatLngs(track);
    l.trail.setLatLngs(all);
    if (all.length > 1 && !follow.current.centred)
      l.map.fitBounds(L.latLngBounds(all), { padding: [24, 24] });
  }, [track]);

  useEffect(() => {
    const l = layers.current;
    const wrap = wrapRef.current;
    if (!l || !wrap) return;
    l.travelled.setLatLngs(trailLatLngs(track.slice(0, fixIndex + 1)));
    const current = fixIndex >= 0 ? track[fixIndex] : undefined;
    if (!current) {
      l.marker?.remove();
      l.accuracy?.remove();
      l.marker = null;
      l.accuracy = null;
      delete wrap.dataset.markerLat;
      delete wrap.dataset.markerLng;
      delete wrap.dataset.accuracy;
      return;
    }
    showFix(l, current, 'Caller at this moment of the recording', wrap);
    const step = onFix(follow.current, current);
    follow.current = step.state;
    apply(l.map, step.move);
  }, [track, fixIndex]);

  const resume = () => {
    const l = layers.current;
    const step = onResume(follow.current, fixRef.current);
    follow.current = step.state;
    setFollowing(true);
    if (l) apply(l.map, step.move);
  };

  return (
    <div className="map-wrap" data-testid="playback-map" ref={wrapRef}>
      <section className="map" ref={mapRef} aria-label="Map of the caller's position during the recording" />
      {!following && fix ? (
        <button type="button" className="btn btn-primary btn-small map-follow" onClick={resume}>
          Follow playback
        </button>
      ) : null}
      <p className="map-note">
        {unavailable
          ? unavailable
          : fix
            ? `Fix taken ${formatTime(fix.fixTime)}, ±${Math.round(fix.accuracy)} m`
            : track.length
              ? 'No position had been reported yet at this moment.'
              : 'No positions were recorded for this session.'}
        {tiles === 'failed'
          ? ' Map tiles could not be loaded.'
          : tiles === 'none'
            ? ' No map tiles configured.'
            : ''}
      </p>
    </div>
  );
}

function apply(map: L.Map, move: MapMove): void {
  if (move.kind !== 'pan') return;
  if (move.zoom !== null) map.setView([move.lat, move.lon], move.zoom, { animate: false });
  else map.panTo([move.lat, move.lon], { animate: true, duration: 0.4 });
}
