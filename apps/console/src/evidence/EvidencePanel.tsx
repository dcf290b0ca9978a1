import type { EvidenceItem } from '@sightline/protocol';
import { useRef, useState } from 'react';
import { useCan } from '../app/context.js';
import { CopyButton } from '../lib/CopyButton.js';
import { formatBytes, formatDateTime, formatDuration } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { EVIDENCE_KIND_TEXT } from '../session/event-text.js';
import { groupEvidence, type SessionPageState } from '../session/session-model.js';
import { useViewerProtection } from '../viewer-protection/use-viewer-protection.js';
import { obscuredClass, ShieldNotice, ViewerControls } from '../viewer-protection/ViewerControls.js';
import { isPlayable, ownMedia } from './playback.js';
import { downloadUrl, useViewing } from './use-viewing.js';

/**
 * Stored evidence with its hashes; supervisors can download. Copies play in
 * place here, or, given `onPlay`, in the page's own player (the evidence view).
 */
export function EvidencePanel({
  evidence,
  sessionOver,
  onRetry,
  onPlay,
  playingId,
}: {
  evidence: Pick<SessionPageState['evidence'], 'status' | 'items' | 'error'>;
  sessionOver: boolean;
  onRetry: () => void;
  onPlay?: (item: EvidenceItem) => void;
  playingId?: string | null;
}) {
  const can = useCan();
  const [inline, setInline] = useState<string | null>(null);
  const { status, items, error } = evidence;
  const playing = onPlay ? (playingId ?? null) : inline;

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
                sources={sourcesOf(item, items)}
                canPlay={can('evidence:play')}
                canDownload={can('evidence:download')}
                playing={ownMedia(item) ? inline === item.id : playing === item.id}
                // What the phone made or sent has no place on the recording's timeline: it plays here.
                external={!!onPlay && !ownMedia(item)}
                onPlay={() =>
                  onPlay && !ownMedia(item) ? onPlay(item) : setInline(inline === item.id ? null : item.id)
                }
              />
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

/** The items an item was made from (its `derivedFrom` hashes), or the bare hashes if not listed here. */
function sourcesOf(
  item: EvidenceItem,
  items: readonly EvidenceItem[],
): Array<{ sha256: string; name: string | null }> {
  return item.derivedFrom.map((sha256) => ({
    sha256,
    name: items.find((i) => i.sha256 === sha256)?.fileName ?? null,
  }));
}

function Item(props: {
  item: EvidenceItem;
  sources: Array<{ sha256: string; name: string | null }>;
  canPlay: boolean;
  canDownload: boolean;
  playing: boolean;
  /** Plays in the page's player rather than under the item. */
  external: boolean;
  onPlay: () => void;
}) {
  const { item } = props;
  const disposed = item.disposedAt !== null;
  const own = disposed ? null : ownMedia(item);
  const playable = (isPlayable(item) || own === 'video') && props.canPlay;
  const image = own === 'image' && props.canPlay;
  return (
    <li
      className={`evidence-item evidence-${item.kind}${disposed ? ' evidence-disposed' : ''}`}
      data-testid="evidence-item"
      data-kind={item.kind}
      data-sha256={item.sha256}
      data-id={item.id}
      data-duration-ms={item.durationMs ?? undefined}
      data-disposed={disposed ? 'true' : undefined}
    >
      <div className="ev-head">
        <span className={`tag tag-kind-${item.kind}`}>{EVIDENCE_KIND_TEXT[item.kind]}</span>
        <span className="ev-name">{item.fileName}</span>
        {disposed ? <span className="tag tag-disposed">Disposed</span> : null}
        <span className="ev-actions">
          {playable ? (
            <button
              type="button"
              className="btn btn-secondary btn-small"
              data-testid="evidence-play"
              {...(props.external ? { 'aria-pressed': props.playing } : { 'aria-expanded': props.playing })}
              onClick={props.onPlay}
            >
              {props.external
                ? props.playing
                  ? 'In player'
                  : 'Play'
                : props.playing
                  ? 'Close player'
                  : 'Play'}
            </button>
          ) : null}
          {props.canDownload && !disposed ? (
            <a className="btn btn-secondary btn-small" href={downloadUrl(item.id)} download={item.fileName}>
              Download
            </a>
          ) : null}
        </span>
      </div>
      <p className="ev-facts">
        <span>{formatBytes(item.size)}</span>
        {item.durationMs !== null ? <span>{formatDuration(item.durationMs)} long</span> : null}
        <span>stored {formatDateTime(item.createdAt)}</span>
        {item.disposedAt !== null ? (
          <span>
            disposed {formatDateTime(item.disposedAt)}: the file is deleted, its hash is kept as the record
          </span>
        ) : null}
      </p>
      {item.kind === 'redacted-copy' || (item.kind === 'working-copy' && props.sources.length) ? (
        <div className="ev-derived">
          <span className="ev-hash-label">Made from</span>
          <ul>
            {props.sources.map((s) => (
              <li key={s.sha256} data-testid="evidence-derived-from" data-sha256={s.sha256}>
                {s.name ? <span>{s.name} </span> : null}
                <code className="mono">
                  {s.sha256.slice(0, 12)}…{s.sha256.slice(-4)}
                </code>
              </li>
            ))}
          </ul>
          {item.kind === 'redacted-copy' ? (
            <p className="small muted">A new file: the recording it was made from is unchanged.</p>
          ) : null}
        </div>
      ) : null}
      {image ? <Thumbnail item={item} /> : null}
      {own === 'unviewable' ? (
        <p className="small muted">This browser cannot show this photo format; download it to view.</p>
      ) : null}
      <div className="ev-hash">
        <span className="ev-hash-label">SHA-256</span>
        <code className="mono ev-hash-value">{item.sha256}</code>
        <CopyButton text={item.sha256} label="Copy hash" />
      </div>
      {props.playing && !props.external ? <InlinePlayer item={item} /> : null}
    </li>
  );
}

/**
 * The player under an item: pressing Play starts an audited viewing, and its url is the source.
 * It plays at once (pressing Play was the request), but blurred and muted like every view.
 */
function InlinePlayer({ item }: { item: EvidenceItem }) {
  const { url, renew } = useViewing(item.id);
  const videoRef = useRef<HTMLVideoElement>(null);
  const shield = useViewerProtection(
    videoRef,
    { sessionId: item.sessionId, kind: 'recorded', itemId: item.id },
    'recording',
  );
  const { clear, muted } = useStore(shield.state);
  return (
    <div className="shield-inline">
      <div className="shield-frame">
        <video
          disablePictureInPicture
          ref={videoRef}
          className={`ev-player ${obscuredClass(clear)}`}
          data-testid="evidence-player"
          data-obscured={clear ? 'false' : 'true'}
          data-muted={muted ? 'true' : 'false'}
          controls
          autoPlay
          // Autoplay is allowed muted; the shield unmutes when the officer asks.
          muted
          preload="auto"
          src={url ?? undefined}
          onError={renew}
          onVolumeChange={(e) => {
            if (e.currentTarget.muted !== shield.state.get().muted) shield.toggleMuted();
          }}
        />
        <ShieldNotice shield={shield} />
      </div>
      <ViewerControls
        shield={shield}
        sessionId={item.sessionId}
        kind="recorded"
        itemId={item.id}
        mediaTime={() => videoRef.current?.currentTime ?? 0}
        soundLabel="recording"
      />
    </div>
  );
}

/**
 * A photo the caller sent, small, opening full size in a new tab. Shown only to
 * those who may play evidence; showing it is a viewing, audited like playback.
 */
function Thumbnail({ item }: { item: EvidenceItem }) {
  const alt = `Photo sent by the caller (${item.fileName}), received ${formatDateTime(item.createdAt)}`;
  const { url } = useViewing(item.id);
  // A photo has no running time to count, but it is blurred until chosen like any footage;
  // opening it full size is itself the choice to see it.
  const noVideo = useRef<HTMLVideoElement>(null);
  const shield = useViewerProtection(noVideo, null, 'photo');
  const { clear } = useStore(shield.state);
  if (!url) return <p className="small muted">Loading the photo…</p>;
  return (
    <div className="shield-inline">
      <a className="ev-thumb-link shield-frame" href={url} target="_blank" rel="noopener">
        <img
          className={`ev-thumb ${obscuredClass(clear)}`}
          src={url}
          alt={clear ? alt : `${alt}, blurred`}
          loading="lazy"
          data-testid="evidence-thumbnail"
          data-obscured={clear ? 'false' : 'true'}
        />
      </a>
      <ViewerControls shield={shield} sessionId={item.sessionId} kind="recorded" itemId={item.id} />
    </div>
  );
}
