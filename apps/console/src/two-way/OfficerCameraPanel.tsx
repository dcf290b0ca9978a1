import type { SessionSummary } from '@sightline/protocol';
import { useEffect, useRef } from 'react';
import { useStore } from '../lib/use-store.js';
import type { CameraPhase, OfficerCamera } from './officer-camera.js';

const PHASE_TEXT: Record<CameraPhase, string> = {
  off: 'Your camera is off. The caller cannot see you.',
  starting: 'Starting your camera… If the browser asks, allow the camera.',
  connecting: 'Connecting your video to the caller…',
  // Honest about what we know: the media server has the picture; nothing reports the phone showing it.
  live: 'Your video is going to the caller.',
  failed: 'Your camera is off.',
};

/** Two-way sessions: the officer's own camera, with a small self-view of what the caller sees. */
export function OfficerCameraPanel({
  camera,
  session,
}: {
  camera: OfficerCamera;
  session: SessionSummary | null;
}) {
  const { phase, stream, error, notice } = useStore(camera.state);
  const videoRef = useRef<HTMLVideoElement>(null);
  const over = session?.state === 'ended' || session?.state === 'expired' || session?.state === 'refused';
  const joined = session?.state === 'live' || session?.state === 'consented';
  const sending = phase !== 'off' && phase !== 'failed';

  useEffect(() => {
    const v = videoRef.current;
    if (!v) return;
    v.srcObject = stream;
    if (stream) v.play().catch(() => {});
  }, [stream]);

  return (
    <section
      className="card officer-camera"
      aria-labelledby="officer-camera-title"
      data-testid="officer-camera"
      data-phase={phase}
    >
      <div className="card-head">
        <h2 id="officer-camera-title">Your camera</h2>
        {phase === 'live' ? <span className="tag tag-sent">Sending</span> : null}
      </div>
      <div className="officer-camera-body">
        {stream ? (
          <video
            ref={videoRef}
            className="self-view"
            data-testid="officer-self-view"
            autoPlay
            muted
            playsInline
            aria-label="Your camera, as the caller sees it"
          />
        ) : (
          <div className="self-view self-view-off" aria-hidden="true">
            Camera off
          </div>
        )}
        <div className="officer-camera-side">
          <p role="status" className="small">
            {PHASE_TEXT[phase]}
          </p>
          {error ? (
            <p className="form-error small" role="alert">
              {error}
            </p>
          ) : null}
          {notice ? <p className="small notice-text">{notice}</p> : null}
          {sending ? (
            <button
              type="button"
              className="btn btn-secondary"
              data-testid="officer-camera-stop"
              onClick={() => camera.stop()}
            >
              Stop my camera
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-primary"
              data-testid="officer-camera-start"
              disabled={over || !joined}
              aria-describedby={!joined && !over ? 'officer-camera-wait' : undefined}
              onClick={() => void camera.start()}
            >
              {phase === 'failed' ? 'Start my camera again' : 'Start my camera'}
            </button>
          )}
          {!joined && !over ? (
            <p id="officer-camera-wait" className="small muted">
              Available once the caller has agreed to the video call.
            </p>
          ) : null}
        </div>
      </div>
    </section>
  );
}
