import type { VideoLayer } from '@sightline/protocol';
import { memo, type RefObject, useEffect, useRef, useState } from 'react';
import { useApp } from '../app/context.js';
import { Link } from '../app/Link.js';
import { describeQuality } from '../caller-controls/caller-controls.js';
import { useStore } from '../lib/use-store.js';
import { LiveViewer } from '../live-video/live-viewer.js';
import { videoOverlay } from '../live-video/video-overlay.js';
import { describeFix, fixAgeLevel, fixAgeText } from '../location/position.js';
import { Watchers } from '../presence/Watchers.js';
import { StateBadge, videoStopped } from '../sessions/StateBadge.js';
import { useViewerProtection } from '../viewer-protection/use-viewer-protection.js';
import { obscuredClass } from '../viewer-protection/ViewerControls.js';
import { type WallTile as Tile, wantsVideo } from './wall-model.js';

/** A tile is small: it asks for the caller's light layer where the caller sends one (simulcast). */
export const WALL_VIDEO_LAYER: VideoLayer = 'low';

/**
 * One live session on the wall: its state, the phone's connection quality, the latest fix,
 * who is watching, and a small live picture. The whole tile is one link to the session page
 * (the heading's link stretches over it). It runs only a LiveViewer, none of the session
 * page's machinery, and stops its video while scrolled out of sight.
 */
export const WallTileView = memo(function WallTileView({
  tile,
  canViewLive,
}: {
  tile: Tile;
  canViewLive: boolean;
}) {
  const { session, quality, fix } = tile;
  const ref = useRef<HTMLElement>(null);
  const onScreen = useOnScreen(ref);
  const title = session.reference ?? `Caller ${session.phoneMasked}`;
  const titleId = `tile-${session.id}`;
  const position = fix ? describeFix(fix) : null;
  return (
    <article
      ref={ref}
      className="wall-tile"
      aria-labelledby={titleId}
      data-testid="wall-tile"
      data-session={session.id}
    >
      <div className="wall-tile-head">
        <h2 id={titleId} className="wall-tile-title">
          <Link href={`/sessions/${encodeURIComponent(session.id)}`} className="wall-tile-link">
            {title}
          </Link>
        </h2>
        <StateBadge state={session.state} videoStopped={videoStopped(session)} testId="tile-state" />
      </div>
      {canViewLive ? (
        <TileVideo tile={tile} title={title} onScreen={onScreen} />
      ) : (
        <div className="wall-video wall-video-none">
          <p>Your role cannot watch live video.</p>
        </div>
      )}
      <dl className="wall-facts">
        <dt>Connection</dt>
        <dd data-testid="tile-quality">
          {quality ? describeQuality(quality).replace(/^Connection: /, '') : 'not reported yet'}
        </dd>
        <dt>Location</dt>
        <dd data-testid="tile-location">
          {position ? (
            <>
              <span className="mono">{position.gridRef ?? `${position.lat}, ${position.lon}`}</span> ±
              {position.accuracy} · <FixAge receivedAt={fix?.receivedAt ?? 0} />
            </>
          ) : (
            'no fix yet'
          )}
        </dd>
      </dl>
      <Watchers sessionId={session.id} announce={false} />
    </article>
  );
});

/** The tile's picture: a LiveViewer of its own, playing only while on screen. */
function TileVideo({ tile, title, onScreen }: { tile: Tile; title: string; onScreen: boolean }) {
  const { socket, iceServers } = useApp();
  const id = tile.session.id;
  const [viewer, setViewer] = useState<LiveViewer | null>(null);
  useEffect(() => {
    const v = new LiveViewer(id, { socket, iceServers: () => iceServers.get(), layer: WALL_VIDEO_LAYER });
    setViewer(v);
    return () => v.dispose();
  }, [id, socket, iceServers]);
  const want = wantsVideo(tile.session, onScreen);
  useEffect(() => viewer?.setPublishing(want), [viewer, want]);
  return viewer ? <TilePicture viewer={viewer} tile={tile} title={title} /> : <div className="wall-video" />;
}

function TilePicture({ viewer, tile, title }: { viewer: LiveViewer; tile: Tile; title: string }) {
  const { phase, stream, stats } = useStore(viewer.state);
  const videoRef = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const v = videoRef.current;
    if (!v) return;
    v.srcObject = stream;
    if (stream) v.play().catch(() => {});
  }, [stream]);
  // A tile follows the force's protection default (blurred unless it chose otherwise) and has no
  // "See clearly" of its own: the whole tile is a link, and the session page is where an officer
  // chooses to look. Time a tile is seen clearly (a force without the blur) is still counted.
  const shield = useViewerProtection(videoRef, { sessionId: tile.session.id, kind: 'live' }, 'live video', {
    silent: true,
  });
  const { clear } = useStore(shield.state);
  const overlay =
    tile.session.mode === 'location' ? 'Location only: no video' : videoOverlay(tile.session, phase);
  return (
    <div className="wall-video" data-testid="tile-video" data-frames-decoded={stats.framesDecoded}>
      {/* Always muted: sixteen callers at once would be noise; the session page has the sound. */}
      <video
        disablePictureInPicture
        ref={videoRef}
        className={obscuredClass(clear)}
        data-obscured={clear ? 'false' : 'true'}
        autoPlay
        muted
        playsInline
        aria-label={`Live video: ${title}${clear ? '' : ', blurred'}`}
      />
      {overlay ? <p className="wall-video-overlay">{overlay}</p> : null}
    </div>
  );
}

function FixAge({ receivedAt }: { receivedAt: number }) {
  const { ticker } = useApp();
  const now = useStore(ticker);
  const age = now - receivedAt;
  return (
    <span className={`wall-fix-age wall-fix-${fixAgeLevel(age)}`} data-level={fixAgeLevel(age)}>
      {fixAgeText(age)}
    </span>
  );
}

/** Whether the element is on (or near) the screen; true where IntersectionObserver is missing. */
function useOnScreen(ref: RefObject<HTMLElement | null>): boolean {
  const [on, setOn] = useState(true);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver(([e]) => setOn(e?.isIntersecting ?? true), { rootMargin: '200px' });
    io.observe(el);
    return () => io.disconnect();
  }, [ref]);
  return on;
}
