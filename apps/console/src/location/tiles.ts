import type { ConsoleConfig } from '@sightline/protocol';
import * as L from 'leaflet';

export type TileState = 'none' | 'loading' | 'ok' | 'failed';

/**
 * Adds the configured tile layer to a map and reports whether tiles load;
 * returns the function that removes it. Vector layers (trail, marker) work
 * without tiles, so a failure is reported, never fatal.
 */
export function addTiles(
  map: L.Map,
  config: ConsoleConfig['map'],
  onState: (s: TileState) => void,
): () => void {
  if (!config.tileUrl) {
    onState('none');
    return () => {};
  }
  onState('loading');
  let loaded = 0;
  const layer = L.tileLayer(config.tileUrl, {
    attribution: config.attribution,
    maxZoom: 19,
    crossOrigin: false,
  })
    .on('tileload', () => {
      loaded++;
      onState('ok');
    })
    .on('tileerror', () => {
      if (loaded === 0) onState('failed');
    })
    .addTo(map);
  return () => {
    layer.remove();
  };
}
