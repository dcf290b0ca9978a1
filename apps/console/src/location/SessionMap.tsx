import type { AmlFix, ConsoleConfig, ReceivedFix } from '@sightline/protocol';
import * as L from 'leaflet';
import { useEffect, useRef, useState } from 'react';
import { showFix } from './fix-marker.js';
import { MapTilesNote } from './MapTilesNote.js';
import {
  type FitState,
  type FollowState,
  fitResumed,
  fitStep,
  fitUserMoved,
  initialFit,
  initialFollow,
  type MapMove,
  onFix,
  onResume,
  onUserMoved,
  trailLatLngs,
} from './map-state.js';
import { showNetworkFix } from './network-marker.js';
import { type OfficerMarker, showOfficers } from './officer-markers.js';
import { useLeafletMap } from './use-leaflet-map.js';

const TRAIL = '#1d4f91';
const NO_OFFICERS: readonly OfficerMarker[] = [];
/** Room around the framed positions, so a marker and its label are never on the edge. */
const FIT_PADDING: [number, number] = [40, 40];

interface Layers {
  map: L.Map;
  marker: L.CircleMarker | null;
  accuracy: L.Circle | null;
  trail: L.Polyline;
  officers: L.LayerGroup;
  networkMarker: L.CircleMarker | null;
  networkRadius: L.Circle | null;
}

/**
 * The caller's position on a Leaflet map: a dot, the accuracy circle and the
 * trail, all vector layers, so they show even when no map tiles load (no
 * network, or no tile server configured). Follows the newest fix until the
 * officer pans away; with `frameOfficers` (the field page) it frames the caller and the
 * officers together instead, again when one leaves the view, until the officer pans or zooms.
 */
export function SessionMap({
  config,
  track,
  latest,
  tall,
  officers = NO_OFFICERS,
  frameOfficers = false,
  label = "Map of the caller's position",
  network = null,
}: {
  config: ConsoleConfig | null;
  track: ReceivedFix[];
  latest: ReceivedFix | null;
  /** The main view (location-only sessions), rather than beside the video. */
  tall?: boolean;
  /** Field officers sharing their position, drawn apart from the caller. */
  officers?: readonly OfficerMarker[];
  /** Keep the caller and the officers in view together (the field officer's own map). */
  frameOfficers?: boolean;
  label?: string;
  /** The mobile network's location for the caller's number (AML), drawn apart from the GPS. */
  network?: AmlFix | null;
}) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const layers = useRef<Layers | null>(null);
  const follow = useRef<FollowState>(initialFollow);
  const fit = useRef<FitState>(initialFit);
  const latestRef = useRef(latest);
  latestRef.current = latest;
  const officersRef = useRef(officers);
  officersRef.current = officers;
  const [following, setFollowing] = useState(true);
  const { mapRef, map, tiles, moveQuietly } = useLeafletMap(config, {
    onUserMove: (kind) => {
      if (frameOfficers) {
        fit.current = fitUserMoved(fit.current);
        setFollowing(false);
      } else if (kind === 'pan') {
        follow.current = onUserMoved(follow.current);
        setFollowing(follow.current.following);
      }
    },
    hasView: () => follow.current.centred || fit.current.framed.length > 0,
  });

  // The layers, once the map exists.
  useEffect(() => {
    const m = map.current;
    if (!m) return;
    const trail = L.polyline([], { color: TRAIL, weight: 3, opacity: 0.75, interactive: false }).addTo(m);
    layers.current = {
      map: m,
      marker: null,
      accuracy: null,
      trail,
      officers: L.layerGroup().addTo(m),
      networkMarker: null,
      networkRadius: null,
    };
    return () => {
      layers.current = null;
      follow.current = initialFollow;
      fit.current = initialFit;
    };
  }, [map]);

  /** Frames the caller and the officers when fitStep says so. */
  const frame = (force = false) => {
    const l = layers.current;
    if (!l) return;
    const points: Array<{ key: string; at: L.LatLng }> = [];
    const fix = latestRef.current;
    if (fix) points.push({ key: 'caller', at: L.latLng(fix.lat, fix.lon) });
    for (const o of officersRef.current)
      points.push({ key: `officer:${o.officerId}`, at: L.latLng(o.lat, o.lon) });
    const view = l.map.getBounds();
    const step = fitStep(
      force ? fitResumed(fit.current) : fit.current,
      points.map((p) => ({ key: p.key, inView: view.contains(p.at) })),
      true,
    );
    fit.current = step.state;
    if (!step.fit) return;
    moveQuietly((m) => {
      if (points.length === 1) m.setView(points[0]!.at, 17, { animate: false });
      else
        m.fitBounds(L.latLngBounds(points.map((p) => p.at)), {
          padding: FIT_PADDING,
          maxZoom: 17,
          animate: false,
        });
    });
  };

  // Draw the trail and the newest fix after every change.
  // biome-ignore lint/correctness/useExhaustiveDependencies: frame and moveQuietly read refs only.
  useEffect(() => {
    const l = layers.current;
    const wrap = wrapRef.current;
    if (!l || !wrap) return;
    l.trail.setLatLngs(trailLatLngs(track));
    if (!latest) return;
    showFix(l, latest, 'Caller (latest fix)', wrap);
    if (frameOfficers) return frame();
    const step = onFix(follow.current, latest);
    follow.current = step.state;
    moveQuietly((m) => apply(m, step.move));
  }, [track, latest, frameOfficers]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: frame reads refs only.
  useEffect(() => {
    const l = layers.current;
    if (!l || !wrapRef.current) return;
    showOfficers(l.officers, officers, wrapRef.current);
    if (frameOfficers) frame();
  }, [officers, frameOfficers]);

  useEffect(() => {
    const l = layers.current;
    if (l && wrapRef.current) showNetworkFix(l, network, wrapRef.current);
  }, [network]);

  const resume = () => {
    setFollowing(true);
    if (frameOfficers) return frame(true);
    const step = onResume(follow.current, latestRef.current);
    follow.current = step.state;
    moveQuietly((m) => apply(m, step.move));
  };

  return (
    <div className={`map-wrap${tall ? ' map-wrap-tall' : ''}`} data-testid="map" ref={wrapRef}>
      <section className="map" ref={mapRef} aria-label={label} />
      {!following && latest ? (
        <button type="button" className="btn btn-primary btn-small map-follow" onClick={resume}>
          {frameOfficers ? 'Show the caller and you' : 'Follow caller'}
        </button>
      ) : null}
      <MapTilesNote tiles={tiles} what="Position, accuracy and trail are" />
    </div>
  );
}

function apply(map: L.Map, move: MapMove): void {
  if (move.kind !== 'pan') return;
  if (move.zoom !== null) map.setView([move.lat, move.lon], move.zoom, { animate: false });
  else map.panTo([move.lat, move.lon], { animate: true, duration: 0.4 });
}
