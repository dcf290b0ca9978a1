import type { FieldShare, LocationFix } from '@sightline/protocol';
import { Link } from '../app/Link.js';
import { formatClock } from '../lib/format.js';
import { mapsAppFor, navigationLabel, navigationUrl, thisDevice } from './nav-url.js';
import { formatDistance, formatRemaining, relative } from './relative.js';

/**
 * A shared incident on a field officer's phone: its callers, nearest first, each with the
 * distance and bearing from the officer and one button to drive there; tapping a caller opens
 * the single-caller view (video, map, position). Only callers in the incident now are listed.
 */
export function FieldIncidentCallers({
  share,
  ownFix,
  ownError,
  now,
  onRefresh,
}: {
  share: FieldShare;
  ownFix: LocationFix | null;
  ownError: string | null;
  now: number;
  onRefresh: () => void;
}) {
  const incident = share.incident;
  if (!incident) return null;
  const app = mapsAppFor(thisDevice());
  const callers = incident.callers
    .map((c) => ({ ...c, rel: relative(ownFix, c.session.lastFix) }))
    .sort(
      (a, b) => (a.rel?.metres ?? Number.POSITIVE_INFINITY) - (b.rel?.metres ?? Number.POSITIVE_INFINITY),
    );
  return (
    <main id="main" className="page field-page" tabIndex={-1}>
      <div className="field-head">
        <h1>{incident.title}</h1>
        <p className="field-until">
          {incident.cadReference ? `${incident.cadReference} · ` : ''}Shared by {share.sharedBy.name} until{' '}
          {formatClock(share.expiresAt, now)} ({formatRemaining(share.expiresAt - now)} left)
        </p>
      </div>
      {!ownFix ? <p className="muted">{ownError ?? 'Finding your position…'}</p> : null}
      {callers.length === 0 ? <p className="field-empty">No callers in this incident now.</p> : null}
      <ul className="field-shares" aria-label="Callers">
        {callers.map((c) => (
          <li key={c.session.id} className="field-caller" data-testid="field-caller">
            <Link
              href={`/field/${encodeURIComponent(share.id)}/${encodeURIComponent(c.session.id)}`}
              className="field-share-link"
            >
              <span className="field-share-title">
                {c.label}
                {c.session.reference ? ` · ${c.session.reference}` : ''}
              </span>
              <span className="field-share-meta">
                {c.rel ? (
                  <>
                    {formatDistance(c.rel.metres)} <abbr title={c.rel.words}>{c.rel.point}</abbr>
                    <span className="visually-hidden"> ({c.rel.words})</span> ·{' '}
                  </>
                ) : c.session.lastFix ? null : (
                  'no position yet · '
                )}
                {c.session.publishing ? 'live video' : 'no video now'}
              </span>
            </Link>
            {c.session.lastFix ? (
              <a
                className="btn btn-secondary btn-block field-nav"
                href={navigationUrl(c.session.lastFix, app)}
              >
                {navigationLabel(app)}
                <span className="visually-hidden"> to {c.label}</span>
              </a>
            ) : null}
          </li>
        ))}
      </ul>
      <p>
        <button type="button" className="btn btn-secondary btn-large" onClick={onRefresh}>
          Refresh callers
        </button>
      </p>
      <p className="field-sharing-note">
        Your position is shared with the control room while this page is open.
      </p>
    </main>
  );
}
