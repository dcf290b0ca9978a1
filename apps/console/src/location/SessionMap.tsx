import type { ConsoleConfig, ReceivedFix } from '@sightline/protocol';
import * as L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef, useState } from 'react';
import { showFix } from './fix-marker.js';
import {
  type FollowState,
  initialFollow,
  type MapMove,
  onFix,
  onResume,
  onUserMoved,
  trailLatLngs,
} from './map-state.js';
import { type OfficerMarker, showOfficers } from './officer-markers.js';

/** Great Britain, for when neither the settings nor a fix have told us where to look. */
const FALLBACK_VIEW = { center: [54.5, -2.5] as [number, number], zoom: 6 };
const TRAIL = '#1d4f91';
const NO_OFFICERS: readonly OfficerMarker[] = [];

interface Layers {
  map: L.Map;
  marker: L.CircleMarker | null;
  accuracy: L.Circle | null;
  trail: L.Polyline;
  officers: L.LayerGroup;
}

/**
 * The caller's position on a Leaflet map: a dot, the accuracy circle and the
 * trail, all vector layers, so they show even when no map tiles load (no
 * network, or no tile server configured). Follows the newest fix until the
 * officer pans away.
 */
export function SessionMap({
  config,
  track,
  latest,
  tall,
  officers = NO_OFFICERS,
  label = "Map of the caller's position",
}: {
  config: ConsoleConfig | null;
  track: ReceivedFix[];
  latest: ReceivedFix | null;
  /** The main view (location-only sessions), rather than beside the video. */
  tall?: boolean;
  /** Field officers sharing their position, drawn apart from the caller. */
  officers?: readonly OfficerMarker[];
  label?: string;
}) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<HTMLElement>(null);
  const layers = useRef<Layers | null>(null);
  const follow = useRef<FollowState>(initialFollow);
  const latestRef = useRef(latest);
  latestRef.current = latest;
  const [following, setFollowing] = useState(true);
  const [tiles, setTiles] = useState<'none' | 'loading' | 'ok' | 'failed'>('loading');

  // Create the map once.
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
    const trail = L.polyline([], { color: TRAIL, weight: 3, opacity: 0.75, interactive: false }).addTo(map);
    layers.current = { map, marker: null, accuracy: null, trail, officers: L.layerGroup().addTo(map) };
    const resize = new ResizeObserver(() => map.invalidateSize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      map.remove();
      layers.current = null;
      follow.current = initialFollow;
    };
  }, []);

  // Tiles and the settings' starting view, once the settings arrive.
  const tileUrl = config?.map.tileUrl ?? null;
  const attribution = config?.map.attribution ?? '';
  useEffect(() => {
    const l = layers.current;
    if (!l || !config) return;
    if (!follow.current.centred) l.map.setView(config.map.center, config.map.zoom);
    if (!tileUrl) {
      setTiles('none');
      return;
    }
    setTiles('loading');
    let loaded = 0;
    const layer = L.tileLayer(tileUrl, { attribution, maxZoom: 19, crossOrigin: false })
      .on('tileload', () => {
        loaded++;
        setTiles('ok');
      })
      .on('tileerror', () => {
        if (loaded === 0) setTiles('failed');
      })
      .addTo(l.map);
    return () => {
      layer.remove();
    };
  }, [config, tileUrl, attribution]);

  // Draw the trail and the newest fix after every change.
  useEffect(() => {
    const l = layers.current;
    const wrap = wrapRef.current;
    if (!l || !wrap) return;
    l.trail.setLatLngs(trailLatLngs(track));
    if (!latest) return;
    showFix(l, latest, 'Caller (latest fix)', wrap);
    const step = onFix(follow.current, latest);
    follow.current = step.state;
    apply(l.map, step.move);
  }, [track, latest]);

  useEffect(() => {
    const l = layers.current;
    if (l && wrapRef.current) showOfficers(l.officers, officers, wrapRef.current);
  }, [officers]);

  const resume = () => {
    const l = layers.current;
    const step = onResume(follow.current, latestRef.current);
    follow.current = step.state;
    setFollowing(true);
    if (l) apply(l.map, step.move);
  };

  return (
    <div className={`map-wrap${tall ? ' map-wrap-tall' : ''}`} data-testid="map" ref={wrapRef}>
      <section className="map" ref={mapRef} aria-label={label} />
      {!following && latest ? (
        <button type="button" className="btn btn-primary btn-small map-follow" onClick={resume}>
          Follow caller
        </button>
      ) : null}
      {tiles === 'failed' || tiles === 'none' ? (
        <p className="map-note">
          {tiles === 'failed' ? 'Map tiles could not be loaded.' : 'No map tiles configured.'} Position,
          accuracy and trail are shown on a plain background.
        </p>
      ) : null}
    </div>
  );
}

function apply(map: L.Map, move: MapMove): void {
  if (move.kind !== 'pan') return;
  if (move.zoom !== null) map.setView([move.lat, move.lon], move.zoom, { animate: false });
  else map.panTo([move.lat, move.lon], { animate: true, duration: 0.4 });
}
