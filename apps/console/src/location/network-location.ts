import { compareFixes } from '@sightline/geo';
import type { AmlFix, AmlMethod, ReceivedFix } from '@sightline/protocol';

/** The network fix (AML) and the phone's GPS fix are too far apart for both to be right. */
export interface Disagreement {
  distanceM: number;
  amlRadiusM: number;
  gpsRadiusM: number;
}

/** Keeps the newer network fix by position time (a late older message must not replace a newer one). */
export function newerNetworkFix(current: AmlFix | null, next: AmlFix): AmlFix {
  return current && current.positionedAt > next.positionedAt ? current : next;
}

/** The disagreement between the network fix and the phone's newest GPS fix, or null when they agree or one is missing. */
export function disagreement(network: AmlFix | null, gps: ReceivedFix | null): Disagreement | null {
  if (!network || !gps) return null;
  const c = compareFixes({ ...network }, { lat: gps.lat, lon: gps.lon, radiusM: gps.accuracy });
  return c.disagree
    ? { distanceM: c.distanceM, amlRadiusM: network.radiusM, gpsRadiusM: gps.accuracy }
    : null;
}

/** "850 m", "1.2 km", "12 km": what a call handler reads out. */
export function formatDistance(m: number): string {
  if (m < 1000) return `${Math.round(m)} m`;
  if (m < 10_000) return `${(m / 1000).toFixed(1)} km`;
  return `${Math.round(m / 1000)} km`;
}

/** The warning the map panel shows, naming the distance and both radii. */
export function disagreementText(d: Disagreement): string {
  return (
    `Network location is ${formatDistance(d.distanceM)} from the phone's GPS — more than both uncertainties ` +
    `(network ±${formatDistance(d.amlRadiusM)}, GPS ±${formatDistance(d.gpsRadiusM)}).`
  );
}

const METHOD: Record<AmlMethod, string> = {
  gnss: 'GPS',
  wifi: 'Wi-Fi',
  cell: 'mobile cell',
  fused: 'combined sources',
  unknown: 'method not given',
};

/** The network fix in words, for the map's text alternative and the legend. */
export function describeNetworkFix(f: AmlFix): string {
  const sure = f.confidence === null ? '' : `, ${f.confidence}% confidence`;
  return `Network location (AML, by ${METHOD[f.method]}): ${f.lat.toFixed(5)}, ${f.lon.toFixed(5)}, within ${formatDistance(f.radiusM)}${sure}`;
}
