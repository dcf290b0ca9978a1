import type { EvidenceItem } from '@sightline/protocol';
import { type ReactNode, type RefObject, useEffect, useRef, useState } from 'react';
import { useStore } from '../lib/use-store.js';
import { useViewerProtection } from '../viewer-protection/use-viewer-protection.js';
import { obscuredClass, ShieldNotice, ViewerControls } from '../viewer-protection/ViewerControls.js';
import { formatMediaTime } from './playback.js';
import type { PlaybackStore } from './playback-store.js';
import { useViewing } from './use-viewing.js';

/**
 * The evidence <video>. It reports its position into the playback store and
 * applies the seeks others ask for. While redacting, a drawing overlay covers
 * the picture, so the native controls give way to our own transport below it.
 * Like live video, each recording starts blurred and muted until the officer chooses.
 */
export function EvidencePlayer({
  playback,
  item,
  videoRef,
  customControls,
  overlay,
}: {
  playback: PlaybackStore;
  item: EvidenceItem;
  videoRef: RefObject<HTMLVideoElement | null>;
  customControls: boolean;
  overlay?: ReactNode;
}) {
  const p = useStore(playback);
  const { seek } = p;
  const id = item.id;
  // Playback is an audited viewing; if it lapses mid-review, a new one carries on from the same place.
  const { url, renew } = useViewing(id);
  const resumeAt = useRef<number | null>(null);
  const shield = useViewerProtection(
    videoRef,
    { sessionId: item.sessionId, kind: 'recorded', itemId: id },
    'recording',
  );
  const { clear, muted } = useStore(shield.state);
  // A CSS filter blurs the whole element, the browser's own controls with it: while the picture
  // is blurred those give way to our transport, outside the blur, so play, seek and volume work.
  const nativeControls = !customControls && clear;

  // Recorder WebM often reports an infinite duration; the server measured it when it stored the file.
  useEffect(() => {
    if (item.durationMs !== null) playback.reportDuration(id, item.durationMs / 1000);
  }, [playback, id, item.durationMs]);

  useEffect(() => {
    const v = videoRef.current;
    if (!v || !seek || seek.itemId !== id) return;
    const apply = () => {
      v.currentTime = seek.t;
      playback.seekApplied(seek.nonce);
    };
    if (v.readyState >= HTMLMediaElement.HAVE_METADATA) {
      apply();
      return;
    }
    v.addEventListener('loadedmetadata', apply, { once: true });
    return () => v.removeEventListener('loadedmetadata', apply);
  }, [seek, id, playback, videoRef]);

  return (
    <>
      <div className="video-frame ev-frame">
        {/* biome-ignore lint/a11y/useMediaCaption: evidence recordings have no captions; the audio is the evidence. */}
        <video
          disablePictureInPicture
          key={id}
          ref={videoRef}
          data-testid="evidence-player"
          data-item-id={id}
          data-obscured={clear ? 'false' : 'true'}
          data-muted={muted ? 'true' : 'false'}
          className={obscuredClass(clear)}
          src={url ?? undefined}
          controls={nativeControls}
          // "auto" so the first frame shows before Play (Chromium paints nothing with "metadata").
          preload="auto"
          playsInline
          onTimeUpdate={(e) => playback.reportTime(id, e.currentTarget.currentTime)}
          onSeeked={(e) => playback.reportTime(id, e.currentTarget.currentTime)}
          onPlay={() => playback.reportPlaying(id, true)}
          // The native controls' own mute button is a choice too: keep the shield's state in step.
          onVolumeChange={(e) => {
            if (e.currentTarget.muted !== shield.state.get().muted) shield.toggleMuted();
          }}
          onPause={() => playback.reportPlaying(id, false)}
          onEnded={() => playback.reportPlaying(id, false)}
          onLoadedMetadata={(e) => {
            playback.reportDuration(id, e.currentTarget.duration);
            if (resumeAt.current !== null) e.currentTarget.currentTime = resumeAt.current;
            resumeAt.current = null;
          }}
          onError={(e) => {
            resumeAt.current = e.currentTarget.currentTime;
            renew();
          }}
          onDurationChange={(e) => playback.reportDuration(id, e.currentTarget.duration)}
        />
        <ShieldNotice shield={shield} />
        {overlay}
      </div>
      <ViewerControls
        shield={shield}
        sessionId={item.sessionId}
        kind="recorded"
        itemId={id}
        mediaTime={() => videoRef.current?.currentTime ?? 0}
        soundLabel="recording"
      />
      {nativeControls ? null : <Transport playback={playback} itemId={id} videoRef={videoRef} />}
    </>
  );
}

const STEPS = [-5, -1, -0.1, 0.1, 1, 5] as const;

/**
 * Play, pause, step, scrub and volume with buttons and sliders: usable by keyboard while the
 * redaction overlay has the picture, and with the mouse while the picture is blurred.
 */
function Transport({
  playback,
  itemId,
  videoRef,
}: {
  playback: PlaybackStore;
  itemId: string;
  videoRef: RefObject<HTMLVideoElement | null>;
}) {
  const { mediaTime, duration, playing } = useStore(playback);
  const [volume, setVolume] = useState(() => videoRef.current?.volume ?? 1);
  const seek = (t: number) => playback.seekTo(itemId, playback.get().recordingId, t);
  const toggle = () => {
    const v = videoRef.current;
    if (!v) return;
    if (v.paused) void v.play().catch(() => {});
    else v.pause();
  };
  return (
    <fieldset className="transport">
      <legend className="visually-hidden">Playback controls</legend>
      <button type="button" className="btn btn-secondary btn-small" onClick={toggle}>
        {playing ? 'Pause' : 'Play'}
      </button>
      {STEPS.map((s) => (
        <button
          key={s}
          type="button"
          className="btn btn-secondary btn-small"
          onClick={() => seek(mediaTime + s)}
          aria-label={`${s < 0 ? 'Back' : 'Forward'} ${Math.abs(s)} seconds`}
        >
          {s < 0 ? '−' : '+'}
          {Math.abs(s)} s
        </button>
      ))}
      <input
        type="range"
        className="transport-range"
        aria-label="Position in the recording, seconds"
        min={0}
        max={duration ?? Math.max(mediaTime, 1)}
        step={0.1}
        value={mediaTime}
        onChange={(e) => seek(Number(e.target.value))}
      />
      <input
        type="range"
        className="transport-volume"
        aria-label="Volume"
        data-testid="transport-volume"
        min={0}
        max={1}
        step={0.05}
        value={volume}
        onChange={(e) => {
          const v = Number(e.target.value);
          setVolume(v);
          if (videoRef.current) videoRef.current.volume = v;
        }}
      />
      <span className="mono transport-time" aria-live="off">
        {formatMediaTime(mediaTime)}
        {duration !== null ? ` / ${formatMediaTime(duration)}` : ''}
      </span>
    </fieldset>
  );
}
