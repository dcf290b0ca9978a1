import type { AmlFix, ReceivedFix } from '@sightline/protocol';
import { MARKER } from './fix-marker.js';
import { describeNetworkFix, disagreement, disagreementText } from './network-location.js';
import { NETWORK } from './network-marker.js';
import './network-location.css';

/**
 * Under the map: which mark is which, the network fix in words (the map's text alternative),
 * and a warning when it and the phone's GPS are too far apart for both to be right.
 */
export function NetworkLocation({ network, gps }: { network: AmlFix | null; gps: ReceivedFix | null }) {
  if (!network) return null;
  const d = disagreement(network, gps);
  return (
    <div className="network-location">
      {d ? (
        <p className="network-warning" role="alert" data-testid="aml-warning">
          <strong>Check the location.</strong> {disagreementText(d)}
        </p>
      ) : null}
      <ul className="map-legend" aria-label="Map key">
        <li>
          <span className="legend-dot" style={{ background: MARKER }} aria-hidden="true" />
          Phone's GPS (from the caller's browser), solid circle: its accuracy
        </li>
        <li>
          <span className="legend-ring" style={{ borderColor: NETWORK }} aria-hidden="true" />
          Network location (AML from the mobile network), dashed circle: its radius
        </li>
      </ul>
      <p className="network-text" data-testid="aml-text">
        {describeNetworkFix(network)}
      </p>
    </div>
  );
}
