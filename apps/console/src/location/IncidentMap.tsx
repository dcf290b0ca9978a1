import type { ConsoleConfig, ReceivedFix } from '@sightline/protocol';
import * as L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef, useState } from 'react';
import { trailLatLngs } from './map-state.js';

/** Great Britain, for when neither the settings nor a fix have told us where to look. */
const FALLBACK_VIEW = { center: [54.5, -2.5] as [number, number], zoom: 6 };
const OFFICER = '#1b1b1b';

/** One caller on the incident map. */
export interface MapCaller {
  sessionId: string;
  /** "Caller 1": shown beside the marker, so colour is never the only way to tell callers apart. */
  label: string;
  colour: string;
  track: readonly ReceivedFix[];
  latest: ReceivedFix | null;
}

/** A field officer sharing their position (fed by the field officers' feature). */
export interface MapOfficer {
  officerId: string;
  name: string;
  lat: number;
  lon: number;
  accuracy: number;
  at: number;
}

interface Drawn {
  marker: L.CircleMarker;
  accuracy: L.Circle;
  trail: L.Polyline | null;
}

/**
 * Every caller of an incident on one Leaflet map: each with its dot, accuracy circle and trail
 * in its own colour and a permanent label, plus field officers' positions (dark, labelled
 * "Officer …"). Vector layers only, so it works without map tiles. Fits everyone in view until
 * the officer pans or zooms.
 */
export function IncidentMap({
  config,
  callers,
  officers = [],
}: {
  config: ConsoleConfig | null;
  callers: readonly MapCaller[];
  officers?: readonly MapOfficer[];
}) {
  const mapRef = useRef<HTMLElement>(null);
  const mapObj = useRef<L.Map | null>(null);
  const drawn = useRef(new Map<string, Drawn>());
  const fitting = useRef(true);
  const [tiles, setTiles] = useState<'none' | 'loading' | 'ok' | 'failed'>('loading');

  useEffect(() => {
    const el = mapRef.current;
    if (!el) return;
    const map = L.map(el, { zoomControl: true, attributionControl: false, keyboard: true });
    // Leaflet's default prefix injects an inline-styled SVG flag, which our CSP forbids.
    L.control.attribution({ prefix: false }).addTo(map);
    map.setView(FALLBACK_VIEW.center, FALLBACK_VIEW.zoom);
    const stop = () => {
      fitting.current = false;
    };
    map.on('dragstart', stop);
    el.addEventListener('keydown', (e) => {
      if (e.key.startsWith('Arrow')) stop();
    });
    mapObj.current = map;
    const resize = new ResizeObserver(() => map.invalidateSize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      map.remove();
      mapObj.current = null;
      drawn.current.clear();
      fitting.current = true;
    };
  }, []);

  const tileUrl = config?.map.tileUrl ?? null;
  const attribution = config?.map.attribution ?? '';
  useEffect(() => {
    const map = mapObj.current;
    if (!map || !config) return;
    if (drawn.current.size === 0) map.setView(config.map.center, config.map.zoom);
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
      .addTo(map);
    return () => {
      layer.remove();
    };
  }, [config, tileUrl, attribution]);

  // Draw every caller and officer after each change; drop those no longer here.
  useEffect(() => {
    const map = mapObj.current;
    if (!map) return;
    const keep = new Set<string>();
    const points: L.LatLng[] = [];
    for (const c of callers) {
      if (!c.latest) continue;
      const key = `caller:${c.sessionId}`;
      keep.add(key);
      const d = place(map, drawn.current, key, c.latest, c.colour, c.label);
      const line = trailLatLngs(c.track);
      if (!d.trail)
        d.trail = L.polyline(line, { color: c.colour, weight: 3, opacity: 0.8, interactive: false }).addTo(
          map,
        );
      else d.trail.setLatLngs(line);
      d.marker.bringToFront();
      points.push(d.marker.getLatLng());
    }
    for (const o of officers) {
      const key = `officer:${o.officerId}`;
      keep.add(key);
      const d = place(map, drawn.current, key, o, OFFICER, `Officer ${o.name}`, true);
      points.push(d.marker.getLatLng());
    }
    for (const [key, d] of drawn.current) {
      if (keep.has(key)) continue;
      d.marker.remove();
      d.accuracy.remove();
      d.trail?.remove();
      drawn.current.delete(key);
    }
    if (fitting.current && points.length > 0) {
      if (points.length === 1) map.setView(points[0]!, 17, { animate: false });
      else map.fitBounds(L.latLngBounds(points), { padding: [48, 48], maxZoom: 17, animate: false });
    }
  }, [callers, officers]);

  return (
    <div className="map-wrap map-wrap-incident" data-testid="incident-map">
      <section
        className="map"
        ref={mapRef}
        aria-label="Map of every caller's position, and field officers sharing theirs"
      />
      {tiles === 'failed' || tiles === 'none' ? (
        <p className="map-note">
          {tiles === 'failed' ? 'Map tiles could not be loaded.' : 'No map tiles configured.'} Positions,
          accuracy and trails are shown on a plain background.
        </p>
      ) : null}
    </div>
  );
}

/**
 * Moves (or creates) one labelled marker with its accuracy circle, and records on the label
 * what Leaflet actually holds, so tests read the map rather than our intent.
 */
function place(
  map: L.Map,
  all: Map<string, Drawn>,
  key: string,
  fix: { lat: number; lon: number; accuracy: number },
  colour: string,
  label: string,
  officer = false,
): Drawn {
  const at = L.latLng(fix.lat, fix.lon);
  let d = all.get(key);
  if (!d) {
    d = {
      accuracy: L.circle(at, {
        radius: fix.accuracy,
        color: colour,
        weight: 1,
        dashArray: officer ? '4 4' : undefined,
        fillColor: colour,
        fillOpacity: 0.1,
        interactive: false,
      }).addTo(map),
      marker: L.circleMarker(at, {
        radius: officer ? 7 : 9,
        color: officer ? '#ffd200' : '#ffffff',
        weight: 3,
        fillColor: colour,
        fillOpacity: 1,
      })
        .bindTooltip(label, {
          permanent: true,
          direction: 'right',
          offset: [10, 0],
          className: officer ? 'map-label map-label-officer' : 'map-label',
        })
        .addTo(map),
      trail: null,
    };
    all.set(key, d);
  } else {
    d.accuracy.setLatLng(at).setRadius(fix.accuracy);
    d.marker.setLatLng(at);
  }
  const el = d.marker.getTooltip()?.getElement();
  if (el) {
    const pos = d.marker.getLatLng();
    el.dataset.testid = 'map-label';
    el.dataset.label = label;
    el.dataset.lat = String(pos.lat);
    el.dataset.lng = String(pos.lng);
    el.dataset.accuracy = String(d.accuracy.getRadius());
  }
  return d;
}
