import type { AmlFix } from '@sightline/protocol';
import * as L from 'leaflet';
import { describeNetworkFix } from './network-location.js';

/** The network location's colour: a purple apart from the caller's red GPS dot and the officers' teal. */
export const NETWORK = '#5b2a86';

export interface NetworkLayers {
  map: L.Map;
  networkMarker: L.CircleMarker | null;
  networkRadius: L.Circle | null;
}

/**
 * Draws the network fix (AML) as a hollow ring with a dashed radius circle, unlike the GPS's
 * filled dot and solid circle; null takes it off the map. Records what Leaflet holds on `wrap`.
 */
export function showNetworkFix(l: NetworkLayers, fix: AmlFix | null, wrap: HTMLElement): void {
  if (!fix) {
    l.networkMarker?.remove();
    l.networkRadius?.remove();
    l.networkMarker = null;
    l.networkRadius = null;
    delete wrap.dataset.networkLat;
    delete wrap.dataset.networkLng;
    delete wrap.dataset.networkRadius;
    return;
  }
  const at = L.latLng(fix.lat, fix.lon);
  if (!l.networkRadius) {
    l.networkRadius = L.circle(at, {
      radius: fix.radiusM,
      color: NETWORK,
      weight: 2,
      dashArray: '6 5',
      fillColor: NETWORK,
      fillOpacity: 0.06,
      interactive: false,
    }).addTo(l.map);
  } else l.networkRadius.setLatLng(at).setRadius(fix.radiusM);
  if (!l.networkMarker) {
    l.networkMarker = L.circleMarker(at, {
      radius: 7,
      color: NETWORK,
      weight: 4,
      fillColor: '#ffffff',
      fillOpacity: 1,
    })
      .bindTooltip(describeNetworkFix(fix))
      .addTo(l.map);
  } else l.networkMarker.setLatLng(at).setTooltipContent(describeNetworkFix(fix));
  const pos = l.networkMarker.getLatLng();
  wrap.dataset.networkLat = String(pos.lat);
  wrap.dataset.networkLng = String(pos.lng);
  wrap.dataset.networkRadius = String(l.networkRadius.getRadius());
}
