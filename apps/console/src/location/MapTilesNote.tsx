import type { TileState } from './tiles.js';

/** Says why the map has no background, and that the positions drawn on it are still right. */
export function MapTilesNote({ tiles, what }: { tiles: TileState; what: string }) {
  if (tiles !== 'failed' && tiles !== 'none') return null;
  return (
    <p className="map-note">
      {tiles === 'failed' ? 'Map tiles could not be loaded.' : 'No map tiles configured.'} {what} shown on a
      plain background.
    </p>
  );
}
