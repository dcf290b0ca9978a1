import * as L from 'leaflet';
import './officer-markers.css';

/** A field officer on a map (the incident map takes the same shape). */
export interface OfficerMarker {
  officerId: string;
  name: string;
  lat: number;
  lon: number;
  accuracy: number;
  /** When the server received the fix, ms. */
  at: number;
}

/** Field officers' colour: teal squares, never the caller's red dot. */
export const OFFICER_COLOUR = '#006d5b';

/**
 * Redraws the officers in `group`: a square marker with a permanent name label and a dashed
 * accuracy circle each. Records on `wrap` who is drawn, so tests read the map, not our intent.
 */
export function showOfficers(
  group: L.LayerGroup,
  officers: readonly OfficerMarker[],
  wrap: HTMLElement,
): void {
  group.clearLayers();
  for (const o of officers) {
    const at = L.latLng(o.lat, o.lon);
    L.circle(at, {
      radius: o.accuracy,
      color: OFFICER_COLOUR,
      weight: 1,
      dashArray: '4 4',
      fillOpacity: 0.06,
      interactive: false,
    }).addTo(group);
    L.marker(at, {
      icon: L.divIcon({ className: 'officer-marker', iconSize: [16, 16] }),
      keyboard: false,
      title: o.name,
    })
      .bindTooltip(o.name, { permanent: true, direction: 'right', className: 'officer-label' })
      .addTo(group);
  }
  wrap.dataset.officers = officers.map((o) => o.name).join(', ');
}
