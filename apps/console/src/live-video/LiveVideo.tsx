import { useEffect, useId, useRef } from 'react';
import { formatBitrate } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { useViewerProtection } from '../viewer-protection/use-viewer-protection.js';
import { obscuredClass, ShieldNotice, ViewerControls } from '../viewer-protection/ViewerControls.js';
import { LayerPicker } from './LayerPicker.js';
import type { LiveViewer } from './live-viewer.js';
import { type VideoSession, videoOverlay } from './video-overlay.js';
import type { VideoStats } from './video-stats.js';

/**
 * The caller's live picture. It starts blurred and muted (unless the force chose otherwise)
 * to protect the officer from what a caller may show: the picture still moves, so they can
 * see it is alive, and it is shown clearly only when they choose. Time seen clearly goes to
 * their exposure log. Browsers only autoplay muted video, so the element always starts muted.
 */
export function LiveVideo({
  viewer,
  session,
  label,
}: {
  viewer: LiveViewer;
  session: VideoSession | null;
  /** Whose video, when a page shows several (an incident's callers: "Caller 2"). */
  label?: string;
}) {
  const { phase, stream, stats, problem } = useStore(viewer.state);
  // Unique per tile: an incident page shows several of these.
  const titleId = useId();
  const videoRef = useRef<HTMLVideoElement>(null);
  // Full screen takes the whole panel, not just the picture: See clearly, sound and Mark as
  // distressing must stay in reach of an officer watching full screen.
  const panelRef = useRef<HTMLElement>(null);
  const shield = useViewerProtection(videoRef, { sessionId: viewer.sessionId, kind: 'live' }, 'live video');
  const { clear, muted } = useStore(shield.state);

  useEffect(() => {
    const v = videoRef.current;
    if (!v) return;
    v.srcObject = stream;
    if (stream)
      v.play().catch(() => {
        // Autoplay with sound refused (a force that starts unmuted, before any click): play muted.
        if (!v.muted) {
          shield.forcedMute();
          v.muted = true;
          void v.play().catch(() => {});
        }
      });
  }, [stream, shield]);

  const overlay = videoOverlay(session, phase);
  const playing = phase === 'playing' && !overlay;

  return (
    <section className="video-panel" aria-labelledby={titleId} ref={panelRef}>
      <h2 id={titleId} className="visually-hidden">
        {label ? `${label}: live video` : 'Live video'}
      </h2>
      <div className="video-frame">
        <video
          disablePictureInPicture
          data-testid="live-video"
          data-obscured={clear ? 'false' : 'true'}
          data-muted={muted ? 'true' : 'false'}
          className={obscuredClass(clear)}
          ref={videoRef}
          autoPlay
          muted
          playsInline
          aria-label={`${label ? `${label}'s` : "Caller's"} live video${clear ? '' : ', blurred'}`}
        />
        <ShieldNotice shield={shield} />
        {overlay ? (
          <div className="video-overlay" role="status">
            <p>{overlay}</p>
            {problem && phase === 'interrupted' ? <p className="small">{problem}</p> : null}
          </div>
        ) : null}
        {playing ? <span className="live-pill">Live</span> : null}
      </div>
      <ViewerControls shield={shield} sessionId={viewer.sessionId} kind="live" soundLabel="caller" />
      <div className="video-bar">
        <StatsLine stats={stats} playing={playing} />
        <div className="video-actions">
          <LayerPicker viewer={viewer} />
          <button
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() => void panelRef.current?.requestFullscreen?.().catch(() => {})}
          >
            Full screen
          </button>
        </div>
      </div>
    </section>
  );
}

/** Resolution, frame rate, bitrate and frames decoded, refreshed once a second from getStats(). */
function StatsLine({ stats, playing }: { stats: VideoStats; playing: boolean }) {
  const parts: string[] = [];
  if (playing || stats.width !== null) {
    parts.push(stats.width && stats.height ? `${stats.width}×${stats.height}` : '—×—');
    parts.push(stats.fps === null ? '— fps' : `${stats.fps} fps`);
    parts.push(stats.bitrateBps === null ? '— kbit/s' : formatBitrate(stats.bitrateBps));
  } else {
    parts.push('No video');
  }
  parts.push(`${stats.framesDecoded} frames decoded`);
  return (
    <p className="video-stats mono small" data-testid="video-stats" data-frames-decoded={stats.framesDecoded}>
      {parts.join(' · ')}
    </p>
  );
}
