import type { ExposureKind } from '@sightline/protocol';
import { useId, useState } from 'react';
import { errorMessage } from '../api/api-client.js';
import { useApp, useCan } from '../app/context.js';
import { useStore } from '../lib/use-store.js';
import type { ViewShield } from './view-shield.js';

/**
 * Class for the protected <video>: blurred until the officer chooses to see clearly. Every such
 * element also sets `disablePictureInPicture`: a pop-out window would show it unblurred, uncounted.
 */
export const obscuredClass = (clear: boolean) => (clear ? 'shield-video' : 'shield-video is-obscured');

/** A label on the blurred picture, so a blur is never mistaken for a bad connection. */
export function ShieldNotice({ shield }: { shield: ViewShield }) {
  const { clear } = useStore(shield.state);
  if (clear) return null;
  return (
    <span className="shield-pill" aria-hidden="true">
      Blurred to protect you
    </span>
  );
}

/**
 * "See clearly" / "Blur again", sound on and off, and "Mark as distressing". Every change is
 * announced in a polite live region, since a screen reader user cannot see the blur change.
 */
export function ViewerControls({
  shield,
  sessionId,
  kind,
  itemId,
  mediaTime,
  soundLabel,
}: {
  shield: ViewShield;
  sessionId: string | null;
  kind: ExposureKind;
  itemId?: string;
  /** The playback position when marking a recording, seconds. */
  mediaTime?: () => number;
  /** Whose sound: "caller" for live video, "recording" for playback; none for a photo. */
  soundLabel?: string;
}) {
  const { clear, muted, announcement } = useStore(shield.state);
  const can = useCan();
  const [marking, setMarking] = useState(false);
  const [said, setSaid] = useState('');
  return (
    <div className="shield-controls">
      <button
        type="button"
        className={clear ? 'btn btn-secondary btn-small' : 'btn btn-primary btn-small'}
        data-testid="see-clearly-toggle"
        onClick={() => shield.toggleClear()}
      >
        {clear ? 'Blur again' : 'See clearly'}
      </button>
      {soundLabel ? (
        <button
          type="button"
          className="btn btn-secondary btn-small"
          data-testid="sound-toggle"
          onClick={() => shield.toggleMuted()}
        >
          {muted ? `Unmute ${soundLabel}` : `Mute ${soundLabel}`}
        </button>
      ) : null}
      {sessionId && can('exposure:report') ? (
        <button
          type="button"
          className="btn btn-secondary btn-small"
          data-testid="mark-distressing"
          aria-expanded={marking}
          onClick={() => setMarking((m) => !m)}
        >
          Mark as distressing
        </button>
      ) : null}
      <p className="visually-hidden" role="status" data-testid="shield-announcement">
        {said || announcement}
      </p>
      {marking && sessionId ? (
        <DistressForm
          sessionId={sessionId}
          kind={kind}
          {...(itemId ? { itemId } : {})}
          {...(mediaTime ? { mediaTime } : {})}
          onDone={(message) => {
            setMarking(false);
            setSaid(message);
          }}
        />
      ) : null}
      {said ? (
        <p className="small shield-said" data-testid="distress-saved">
          {said}
        </p>
      ) : null}
    </div>
  );
}

function DistressForm({
  sessionId,
  kind,
  itemId,
  mediaTime,
  onDone,
}: {
  sessionId: string;
  kind: ExposureKind;
  itemId?: string;
  mediaTime?: () => number;
  onDone: (message: string) => void;
}) {
  const { api } = useApp();
  const noteId = useId();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // One id per form: pressing Save again after a failure records the same mark once.
  const [markId] = useState(() => crypto.randomUUID());
  return (
    <form
      className="distress-form"
      aria-label="Mark as distressing"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await api.markDistressing({
            id: markId,
            sessionId,
            kind,
            ...(itemId ? { itemId } : {}),
            ...(mediaTime ? { mediaTime: Math.max(0, mediaTime()) } : {}),
            ...(note.trim() ? { note: note.trim() } : {}),
          });
          onDone(
            'Marked as distressing. Your supervisor can see it in the wellbeing view; your note stays private to them and you.',
          );
        } catch (err) {
          setError(errorMessage(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <label htmlFor={noteId}>Note (optional, not shown in the session timeline)</label>
      <textarea
        id={noteId}
        data-testid="distress-note"
        maxLength={500}
        rows={2}
        value={note}
        onChange={(e) => setNote(e.target.value)}
      />
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="distress-actions">
        <button
          type="submit"
          className="btn btn-primary btn-small"
          data-testid="distress-save"
          disabled={busy}
        >
          Save mark
        </button>
        <button type="button" className="btn btn-secondary btn-small" onClick={() => onDone('')}>
          Cancel
        </button>
      </div>
    </form>
  );
}
