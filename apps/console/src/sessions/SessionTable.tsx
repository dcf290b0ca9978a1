import type { SessionSummary } from '@sightline/protocol';
import { useApp } from '../app/context.js';
import { Link } from '../app/Link.js';
import { formatAge, formatTime, formatWhen } from '../lib/format.js';
import { modeName } from '../lib/session-options.js';
import { useStore } from '../lib/use-store.js';
import { fixAgeLevel } from '../location/position.js';
import { TextBadge } from '../texts/TextBadge.js';
import { StateBadge, videoStopped } from './StateBadge.js';

/** The live list of sessions, newest first; each row opens its session. */
export function SessionTable() {
  const { sessions } = useApp();
  const { status, error, sessions: list } = useStore(sessions);

  return (
    <section className="card" aria-labelledby="sessions-title">
      <div className="card-head">
        <h2 id="sessions-title">Sessions</h2>
        <span className="muted">{list.length ? `${list.length} shown, newest first` : ''}</span>
      </div>
      {status === 'error' ? (
        <p className="form-error" role="alert">
          Could not load sessions. {error}{' '}
          <button type="button" className="btn btn-secondary btn-small" onClick={() => void sessions.load()}>
            Try again
          </button>
        </p>
      ) : null}
      {status === 'loading' && !list.length ? <p className="muted">Loading sessions…</p> : null}
      {status === 'ready' && !list.length ? (
        <p className="empty">No sessions yet. Send a link above to start one.</p>
      ) : null}
      {list.length ? (
        <div className="table-wrap">
          <table className="table session-table">
            <thead>
              <tr>
                <th scope="col">Reference</th>
                <th scope="col">Mobile</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
                <th scope="col">Created by</th>
                <th scope="col">Last fix</th>
              </tr>
            </thead>
            <tbody>
              {list.map((s) => (
                <SessionRow key={s.id} s={s} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function SessionRow({ s }: { s: SessionSummary }) {
  const { ticker } = useApp();
  const now = useStore(ticker);
  const fixAge = s.lastFix ? now - s.lastFix.receivedAt : null;
  const active = s.state !== 'ended' && s.state !== 'expired';
  return (
    <tr
      data-testid="session-row"
      data-session-id={s.id}
      data-state={s.state}
      className={active ? '' : 'row-finished'}
    >
      <td>
        {/* The link stretches over the whole row (CSS), so a click anywhere opens it. */}
        <Link href={`/sessions/${s.id}`} className="row-link">
          {s.reference ?? <span className="muted">No reference</span>}
        </Link>
        {/* Video is the usual case; only the others are worth a second look in a busy list. */}
        {s.mode !== 'video' ? <span className="row-mode">{modeName(s.mode)}</span> : null}
      </td>
      <td className="mono">{s.phoneMasked}</td>
      <td>
        <StateBadge state={s.state} videoStopped={videoStopped(s)} />
        {videoStopped(s) ? (
          <span className="row-note" data-testid="video-stopped-at">
            since {formatTime(s.videoStoppedAt!)}
          </span>
        ) : s.state === 'live' && !s.publishing ? (
          <span className="row-note">video lost</span>
        ) : null}
        {/* Until the caller opens the link, whether the text arrived is what matters. */}
        {s.state === 'sent' && s.text ? (
          <span className="row-note">
            <TextBadge text={s.text} testId="row-text-status" />
          </span>
        ) : null}
      </td>
      <td>{formatWhen(s.createdAt, now)}</td>
      <td>{s.createdBy.name}</td>
      <td>
        {fixAge === null ? (
          <span className="muted">none</span>
        ) : (
          <span className={`age age-${active ? fixAgeLevel(fixAge) : 'done'}`}>{formatAge(fixAge)} ago</span>
        )}
      </td>
    </tr>
  );
}
