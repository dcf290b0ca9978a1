import * as L from 'leaflet';

/** The caller's colour on every map. */
export const MARKER = '#c8102e';

/** The map layers that show one fix: a marker and its accuracy circle, created on first use. */
export interface FixLayers {
  map: L.Map;
  marker: L.CircleMarker | null;
  accuracy: L.Circle | null;
}

/**
 * Moves the marker and accuracy circle to `fix` (creating them the first time), and
 * records on `wrap` what Leaflet actually holds, so tests read the map, not our intent.
 */
export function showFix(
  l: FixLayers,
  fix: { lat: number; lon: number; accuracy: number },
  tooltip: string,
  wrap: HTMLElement,
): void {
  const at = L.latLng(fix.lat, fix.lon);
  if (!l.accuracy) {
    l.accuracy = L.circle(at, {
      radius: fix.accuracy,
      color: MARKER,
      weight: 1,
      fillColor: MARKER,
      fillOpacity: 0.12,
      interactive: false,
    }).addTo(l.map);
  } else {
    l.accuracy.setLatLng(at).setRadius(fix.accuracy);
  }
  if (!l.marker) {
    l.marker = L.circleMarker(at, {
      radius: 8,
      color: '#ffffff',
      weight: 3,
      fillColor: MARKER,
      fillOpacity: 1,
    })
      .bindTooltip(tooltip)
      .addTo(l.map);
  } else {
    l.marker.setLatLng(at);
    l.marker.bringToFront();
  }
  const pos = l.marker.getLatLng();
  wrap.dataset.markerLat = String(pos.lat);
  wrap.dataset.markerLng = String(pos.lng);
  wrap.dataset.accuracy = String(l.accuracy.getRadius());
}
