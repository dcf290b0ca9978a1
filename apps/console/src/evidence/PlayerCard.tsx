import type { EvidenceItem } from '@sightline/protocol';
import { useEffect, useRef } from 'react';
import { formatTime } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { RedactionCanvas } from '../redaction/RedactionCanvas.js';
import { RedactionEditor, RedactionStatus } from '../redaction/RedactionEditor.js';
import { EVIDENCE_KIND_TEXT } from '../session/event-text.js';
import { EvidencePlayer } from './EvidencePlayer.js';
import type { EvidencePageController } from './evidence-page-controller.js';
import { formatMediaTime, isPlayable } from './playback.js';
import { playbackWallClock } from './playback-store.js';

/**
 * The player with what belongs to it: which copy is playing, the wall-clock
 * moment on screen, and the redaction editor drawn over the picture.
 */
export function PlayerCard({
  ctl,
  canRedact,
  openRedactor,
}: {
  ctl: EvidencePageController;
  canRedact: boolean;
  /** Open the editor on arrival (from the subject-access page's "Redact"). */
  openRedactor: boolean;
}) {
  const { evidence } = useStore(ctl.state);
  const p = useStore(ctl.playback);
  const red = useStore(ctl.redaction);
  const videoRef = useRef<HTMLVideoElement>(null);
  const editorRef = useRef<HTMLDivElement>(null);
  const item = evidence.items.find((i) => i.id === p.itemId) ?? null;
  const playable = evidence.items.filter(isPlayable);
  const wall = playbackWallClock(p, evidence.recordings);
  const redacting = red.open && !!item && red.sourceId === item.id;
  const canRedactItem = canRedact && item?.kind === 'working-copy' && item.disposedAt === null;

  // The editor's time checks need the length, which the player learns only once metadata loads.
  useEffect(() => {
    if (redacting) ctl.redaction.setDuration(p.duration);
  }, [redacting, p.duration, ctl]);

  const arrived = useRef(false);
  useEffect(() => {
    if (!openRedactor || arrived.current || !item || !canRedactItem) return;
    arrived.current = true;
    ctl.redaction.open(item.id, p.duration);
    editorRef.current?.scrollIntoView({ block: 'start' });
  }, [openRedactor, item, canRedactItem, ctl, p.duration]);

  return (
    <section className="card player-card" aria-labelledby="player-title">
      <div className="card-head">
        <h2 id="player-title">Recording</h2>
        {playable.length > 1 ? (
          <CopyPicker items={playable} current={item} onPick={(i) => ctl.play(i)} />
        ) : null}
      </div>
      {item ? (
        <EvidencePlayer
          playback={ctl.playback}
          item={item}
          videoRef={videoRef}
          customControls={redacting}
          overlay={
            redacting ? (
              <RedactionCanvas store={ctl.redaction} videoRef={videoRef} mediaTime={p.mediaTime} />
            ) : null
          }
        />
      ) : (
        <div className="video-frame ev-frame ev-empty">
          <p className="video-overlay">
            {evidence.status === 'loading'
              ? 'Loading evidence…'
              : 'No playable recording. Recordings appear once they are saved and checked.'}
          </p>
        </div>
      )}
      <div className="video-bar">
        <p className="video-stats" data-testid="playback-moment">
          {item ? (
            <>
              <span className={`tag tag-kind-${item.kind}`}>{EVIDENCE_KIND_TEXT[item.kind]}</span>{' '}
              <span className="mono">{formatMediaTime(p.mediaTime)}</span>
              {wall !== null ? (
                <>
                  {' '}
                  · on the clock <span className="mono">{formatTime(wall)}</span>
                </>
              ) : null}
            </>
          ) : null}
        </p>
        <div className="video-actions">
          {canRedactItem && !redacting ? (
            <button
              type="button"
              className="btn btn-secondary"
              data-testid="redact-open"
              onClick={() => item && ctl.redaction.open(item.id, p.duration)}
            >
              Redact…
            </button>
          ) : null}
        </div>
      </div>
      <div ref={editorRef}>
        {red.open && item && !redacting ? (
          <p className="small redact-elsewhere">
            The redaction editor works on a working copy.{' '}
            <button
              type="button"
              className="btn btn-secondary btn-small"
              onClick={() => {
                const source = evidence.items.find((i) => i.id === red.sourceId);
                if (source) ctl.play(source);
              }}
            >
              Back to the working copy
            </button>
          </p>
        ) : null}
        {redacting && item ? (
          <RedactionEditor store={ctl.redaction} source={item} mediaTime={p.mediaTime} />
        ) : null}
        {red.job || red.sending ? (
          <RedactionStatus store={ctl.redaction} items={evidence.items} onPlay={(i) => ctl.play(i)} />
        ) : null}
      </div>
    </section>
  );
}

/** Which copy is in the player, when there is more than one (several recordings, redacted copies). */
function CopyPicker({
  items,
  current,
  onPick,
}: {
  items: EvidenceItem[];
  current: EvidenceItem | null;
  onPick: (i: EvidenceItem) => void;
}) {
  return (
    <div className="field copy-picker">
      <label htmlFor="copy-picker">Playing</label>
      <select
        id="copy-picker"
        value={current?.id ?? ''}
        onChange={(e) => {
          const next = items.find((i) => i.id === e.target.value);
          if (next) onPick(next);
        }}
      >
        {items.map((i) => (
          <option key={i.id} value={i.id}>
            {EVIDENCE_KIND_TEXT[i.kind]}: {i.fileName}
          </option>
        ))}
      </select>
    </div>
  );
}
