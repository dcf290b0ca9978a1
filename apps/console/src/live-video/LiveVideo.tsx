import { useEffect, useRef, useState } from 'react';
import { formatBitrate } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import type { LiveViewer } from './live-viewer.js';
import { type VideoSession, videoOverlay } from './video-overlay.js';
import type { VideoStats } from './video-stats.js';

/**
 * The caller's live picture. Starts muted because browsers only autoplay
 * muted video; the officer unmutes with one button.
 */
export function LiveVideo({ viewer, session }: { viewer: LiveViewer; session: VideoSession | null }) {
  const { phase, stream, stats, problem } = useStore(viewer.state);
  const videoRef = useRef<HTMLVideoElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const [muted, setMuted] = useState(true);

  useEffect(() => {
    const v = videoRef.current;
    if (!v) return;
    v.srcObject = stream;
    if (stream)
      v.play().catch(() => {
        // Autoplay refused (should not happen while muted); the overlay-free frame still shows the poster.
      });
  }, [stream]);

  useEffect(() => {
    if (videoRef.current) videoRef.current.muted = muted;
  }, [muted]);

  const overlay = videoOverlay(session, phase);
  const playing = phase === 'playing' && !overlay;

  return (
    <section className="video-panel" aria-labelledby="video-title">
      <h2 id="video-title" className="visually-hidden">
        Live video
      </h2>
      <div className="video-frame" ref={frameRef}>
        <video
          data-testid="live-video"
          ref={videoRef}
          autoPlay
          muted
          playsInline
          aria-label="Caller's live video"
        />
        {overlay ? (
          <div className="video-overlay" role="status">
            <p>{overlay}</p>
            {problem && phase === 'interrupted' ? <p className="small">{problem}</p> : null}
          </div>
        ) : null}
        {playing ? <span className="live-pill">Live</span> : null}
      </div>
      <div className="video-bar">
        <StatsLine stats={stats} playing={playing} />
        <div className="video-actions">
          <button
            type="button"
            className="btn btn-secondary btn-small"
            aria-pressed={!muted}
            onClick={() => setMuted((m) => !m)}
          >
            {muted ? 'Unmute caller' : 'Mute caller'}
          </button>
          <button
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() => void frameRef.current?.requestFullscreen?.().catch(() => {})}
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
