import type { EvidenceItem } from '@sightline/protocol';
import { useState } from 'react';
import { useCan } from '../app/context.js';
import { CopyButton } from '../lib/CopyButton.js';
import { formatBytes, formatDateTime, formatDuration } from '../lib/format.js';
import { EVIDENCE_KIND_TEXT } from '../session/event-text.js';
import { groupEvidence, type SessionPageState } from '../session/session-model.js';

const contentUrl = (id: string, download = false) =>
  `/api/evidence/${encodeURIComponent(id)}/content${download ? '?download=1' : ''}`;

/** Stored evidence with its hashes; working copies can be played here, supervisors can download. */
export function EvidencePanel({
  evidence,
  sessionOver,
  onRetry,
}: {
  evidence: SessionPageState['evidence'];
  sessionOver: boolean;
  onRetry: () => void;
}) {
  const can = useCan();
  const [playing, setPlaying] = useState<string | null>(null);
  const { status, items, error } = evidence;

  return (
    <section className="card evidence-card" aria-labelledby="evidence-title">
      <div className="card-head">
        <h2 id="evidence-title">Evidence</h2>
        <span className="muted">{items.length ? `${items.length} items` : ''}</span>
      </div>
      {status === 'error' ? (
        <p className="form-error" role="alert">
          {error}{' '}
          <button type="button" className="btn btn-secondary btn-small" onClick={onRetry}>
            Try again
          </button>
        </p>
      ) : null}
      {status === 'loading' && !items.length ? <p className="muted">Loading evidence…</p> : null}
      {status === 'ready' && !items.length ? (
        <p className="muted">
          {sessionOver
            ? 'No evidence stored yet. Recordings appear here once they have been saved and checked.'
            : 'Recordings are saved when the caller stops sharing or the session ends.'}
        </p>
      ) : null}
      {groupEvidence(items).map((g) => (
        <div key={g.key} className="ev-group">
          <h3 className="ev-group-title">{g.label}</h3>
          <ul className="evidence-list">
            {g.items.map((item) => (
              <Item
                key={item.id}
                item={item}
                canPlay={can('evidence:play')}
                canDownload={can('evidence:download')}
                playing={playing === item.id}
                onPlay={() => setPlaying(playing === item.id ? null : item.id)}
              />
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

function Item(props: {
  item: EvidenceItem;
  canPlay: boolean;
  canDownload: boolean;
  playing: boolean;
  onPlay: () => void;
}) {
  const { item } = props;
  const playable = item.kind === 'working-copy' && props.canPlay;
  return (
    <li
      className={`evidence-item evidence-${item.kind}`}
      data-testid="evidence-item"
      data-kind={item.kind}
      data-sha256={item.sha256}
      data-id={item.id}
      data-duration-ms={item.durationMs ?? undefined}
    >
      <div className="ev-head">
        <span className={`tag tag-kind-${item.kind}`}>{EVIDENCE_KIND_TEXT[item.kind]}</span>
        <span className="ev-name">{item.fileName}</span>
        <span className="ev-actions">
          {playable ? (
            <button
              type="button"
              className="btn btn-secondary btn-small"
              data-testid="evidence-play"
              aria-expanded={props.playing}
              onClick={props.onPlay}
            >
              {props.playing ? 'Close player' : 'Play'}
            </button>
          ) : null}
          {props.canDownload ? (
            <a
              className="btn btn-secondary btn-small"
              href={contentUrl(item.id, true)}
              download={item.fileName}
            >
              Download
            </a>
          ) : null}
        </span>
      </div>
      <p className="ev-facts">
        <span>{formatBytes(item.size)}</span>
        {item.durationMs !== null ? <span>{formatDuration(item.durationMs)} long</span> : null}
        <span>stored {formatDateTime(item.createdAt)}</span>
      </p>
      <div className="ev-hash">
        <span className="ev-hash-label">SHA-256</span>
        <code className="mono ev-hash-value">{item.sha256}</code>
        <CopyButton text={item.sha256} label="Copy hash" />
      </div>
      {props.playing ? (
        // The officer pressed Play, so play: starting it is the request, not a surprise.
        // biome-ignore lint/a11y/useMediaCaption: evidence recordings have no captions; the audio is the evidence.
        <video
          className="ev-player"
          data-testid="evidence-player"
          controls
          autoPlay
          preload="auto"
          src={contentUrl(item.id)}
        />
      ) : null}
    </li>
  );
}
