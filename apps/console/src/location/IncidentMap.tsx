import type { ConsoleConfig, ReceivedFix } from '@sightline/protocol';
import * as L from 'leaflet';
import { useEffect, useRef, useState } from 'react';
import { MapTilesNote } from './MapTilesNote.js';
import { type FitState, fitResumed, fitStep, fitUserMoved, initialFit, trailLatLngs } from './map-state.js';
import { useLeafletMap } from './use-leaflet-map.js';

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
 * "Officer …"). Vector layers only, so it works without map tiles. Fits everyone in view at
 * first and when someone new appears, never after the officer panned or zoomed (a wheel zoom
 * undone by the next fix was the bug); "Show everyone" frames them again.
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
  const drawn = useRef(new Map<string, Drawn>());
  const fit = useRef<FitState>(initialFit);
  const [moved, setMoved] = useState(false);
  const {
    mapRef,
    map: mapObj,
    tiles,
    moveQuietly,
  } = useLeafletMap(config, {
    // Any pan or zoom of the officer's own (a wheel zoom included) ends the automatic framing.
    onUserMove: () => {
      fit.current = fitUserMoved(fit.current);
      setMoved(true);
    },
    hasView: () => drawn.current.size > 0,
  });

  useEffect(
    () => () => {
      drawn.current.clear();
      fit.current = initialFit;
    },
    [],
  );

  /** Frames everyone when fitStep says so (first drawing, someone new, or asked). */
  const frame = (points: Array<{ key: string; at: L.LatLng }>, force = false) => {
    const step = fitStep(
      force ? fitResumed(fit.current) : fit.current,
      points.map((p) => ({ key: p.key, inView: true })),
    );
    fit.current = step.state;
    if (!step.fit) return;
    moveQuietly((map) => {
      if (points.length === 1) map.setView(points[0]!.at, 17, { animate: false });
      else
        map.fitBounds(L.latLngBounds(points.map((p) => p.at)), {
          padding: [48, 48],
          maxZoom: 17,
          animate: false,
        });
    });
  };

  // Draw every caller and officer after each change; drop those no longer here.
  const points = useRef<Array<{ key: string; at: L.LatLng }>>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: frame reads refs only.
  useEffect(() => {
    const map = mapObj.current;
    if (!map) return;
    const keep = new Set<string>();
    const now: Array<{ key: string; at: L.LatLng }> = [];
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
      now.push({ key, at: d.marker.getLatLng() });
    }
    for (const o of officers) {
      const key = `officer:${o.officerId}`;
      keep.add(key);
      const d = place(map, drawn.current, key, o, OFFICER, `Officer ${o.name}`, true);
      now.push({ key, at: d.marker.getLatLng() });
    }
    for (const [key, d] of drawn.current) {
      if (keep.has(key)) continue;
      d.marker.remove();
      d.accuracy.remove();
      d.trail?.remove();
      drawn.current.delete(key);
    }
    points.current = now;
    frame(now);
  }, [callers, officers]);

  return (
    <div
      className="map-wrap map-wrap-incident"
      data-testid="incident-map"
      data-framing={moved ? 'off' : 'on'}
    >
      <section
        className="map"
        ref={mapRef}
        aria-label="Map of every caller's position, and field officers sharing theirs"
      />
      {moved && points.current.length > 0 ? (
        <button
          type="button"
          className="btn btn-primary btn-small map-follow"
          onClick={() => {
            setMoved(false);
            frame(points.current, true);
          }}
        >
          Show everyone
        </button>
      ) : null}
      <MapTilesNote tiles={tiles} what="Positions, accuracy and trails are" />
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
