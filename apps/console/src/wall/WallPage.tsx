import { useEffect, useState } from 'react';
import { useApp, useCan } from '../app/context.js';
import { usePageTitle } from '../app/use-page-title.js';
import { useStore } from '../lib/use-store.js';
import { WallTileView } from './WallTile.js';
import { countText, wallColumns } from './wall-model.js';
import { WallStore } from './wall-store.js';

/**
 * The supervisors' live wall: every session with a caller on it, as tiles in a 2×2, 3×3 or
 * 4×4 grid. New sessions join at the end and ended ones leave, as the server says.
 */
export function WallPage() {
  const { sessions, socket } = useApp();
  const [wall, setWall] = useState<WallStore | null>(null);
  useEffect(() => {
    const w = new WallStore(sessions, socket);
    w.start();
    setWall(w);
    return () => w.dispose();
  }, [sessions, socket]);
  return wall ? <WallView wall={wall} /> : null;
}

function WallView({ wall }: { wall: WallStore }) {
  const can = useCan();
  const { tiles } = useStore(wall);
  const { status, error } = useStore(useApp().sessions);
  usePageTitle('Live wall');
  const columns = wallColumns(tiles.length);
  return (
    <main id="main" className="page wall-page" tabIndex={-1}>
      <div className="wall-head">
        <h1>Live wall</h1>
        <p className="muted" role="status" data-testid="wall-count">
          {status === 'loading' ? 'Loading sessions…' : countText(tiles.length)}
        </p>
      </div>
      {status === 'error' ? (
        <p className="error" role="alert">
          Could not load the sessions: {error}
        </p>
      ) : null}
      <section aria-label="Live sessions" className={`wall-grid wall-cols-${columns}`} data-columns={columns}>
        {tiles.map((t) => (
          <WallTileView key={t.session.id} tile={t} canViewLive={can('session:view-live')} />
        ))}
      </section>
    </main>
  );
}
