import type { FieldSession, FieldShare, LocationFix } from '@sightline/protocol';
import { useEffect, useMemo, useState } from 'react';
import { useApp } from '../app/context.js';
import { Link } from '../app/Link.js';
import { usePageTitle } from '../app/use-page-title.js';
import { formatAge, formatClock } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { LiveVideo } from '../live-video/LiveVideo.js';
import { LiveViewer } from '../live-video/live-viewer.js';
import { PositionPanel } from '../location/PositionPanel.js';
import { describeFix } from '../location/position.js';
import { SessionMap } from '../location/SessionMap.js';
import './field.css';
import { FieldIncidentCallers } from './FieldIncidentCallers.js';
import { FieldShareStore } from './field-share-store.js';
import { watchOwnPosition } from './geolocation.js';
import { arrowView, compassNeedsPermission, courseHeading, requestCompass, watchCompass } from './heading.js';
import { isAppleMobile, mapsAppFor, navigationLabel, navigationUrl, thisDevice } from './nav-url.js';
import { formatDistance, formatRemaining, relative } from './relative.js';
import { useFieldTheme } from './use-field-theme.js';

const NO_TRACK: never[] = [];

/**
 * One shared session on a field officer's phone: the caller's live video, where the caller is
 * (lat/lon, British National Grid, accuracy), where the officer is, the distance and bearing
 * between them, and one button to drive there in the phone's maps app. The officer's position
 * goes back to the control room while this page is open.
 */
export function FieldSharePage({ id, sessionId = null }: { id: string; sessionId?: string | null }) {
  const { api, socket, iceServers, config, ticker } = useApp();
  const [store] = useState(
    () =>
      new FieldShareStore(
        id,
        {
          api,
          socket,
          createViewer: (sessionId) =>
            // A phone on a moving link: the light layer when the picture struggles (layer-policy.ts).
            new LiveViewer(sessionId, { socket, iceServers: () => iceServers.get(), layer: 'auto' }),
          // The store owns the sensors: they stop when the share ends, not only when the page goes.
          watchPosition: (onFix, onError) => watchOwnPosition(onFix, onError),
          watchCompass: (onHeading) => watchCompass(onHeading),
        },
        sessionId,
      ),
  );
  const st = useStore(store.state);
  const cfg = useStore(config);
  const now = useStore(ticker);
  useFieldTheme();
  usePageTitle(
    st.status === 'ended'
      ? 'Share ended'
      : (st.session?.reference ?? st.share?.incident?.title ?? 'Shared caller'),
  );

  useEffect(() => {
    void store.start();
    return () => store.dispose();
  }, [store]);

  const rel = relative(st.ownFix, st.callerFix);
  const me = useMemo(
    () =>
      st.ownFix
        ? [
            {
              officerId: 'me',
              name: 'You',
              lat: st.ownFix.lat,
              lon: st.ownFix.lon,
              accuracy: st.ownFix.accuracy,
              at: st.ownFix.fixTime,
            },
          ]
        : [],
    [st.ownFix],
  );

  // A caller of a shared incident leads back to the incident's callers; a session share to the list.
  const inIncident = !!sessionId && st.endReason !== 'revoked' && st.endReason !== 'expired';
  const backHref = inIncident ? `/field/${encodeURIComponent(id)}` : '/field';
  const backText = inIncident ? 'Back to the incident’s callers' : 'Back to shared with me';
  if (st.status !== 'open' && st.status !== 'loading') {
    return (
      <main id="main" className="page field-page" tabIndex={-1}>
        <h1>{st.status === 'ended' ? 'This share has ended' : 'Cannot open this share'}</h1>
        <p className="field-ended" role="alert" data-testid="share-ended">
          {st.message}
        </p>
        <p>
          <Link href={backHref} className="btn btn-secondary btn-large">
            {backText}
          </Link>
        </p>
      </main>
    );
  }
  if (st.share?.incident && !sessionId) {
    return (
      <FieldIncidentCallers
        share={st.share}
        ownFix={st.ownFix}
        ownError={st.ownError}
        now={now}
        onRefresh={() => void store.refresh()}
      />
    );
  }
  if (!st.session) {
    return (
      <main id="main" className="page field-page">
        <p className="muted">Opening the share…</p>
      </main>
    );
  }

  const app = mapsAppFor(thisDevice());
  const expiresAt = st.share?.expiresAt ?? now;
  return (
    <main id="main" className="page field-page field-share" tabIndex={-1}>
      <div className="field-head">
        <h1>{callerTitle(st.share, st.session)}</h1>
        <p className="field-until">
          Shared by {st.share?.sharedBy.name} until {formatClock(expiresAt, now)} (
          {formatRemaining(expiresAt - now)} left)
        </p>
      </div>

      {sessionId ? (
        <p>
          <Link href={`/field/${encodeURIComponent(id)}`}>
            All callers in {st.share?.incident?.title ?? 'the incident'}
          </Link>
        </p>
      ) : null}

      <section className="field-distance" aria-labelledby="distance-title">
        <h2 id="distance-title" className="visually-hidden">
          Distance to the caller
        </h2>
        {rel ? (
          <p className="field-distance-value" data-testid="field-distance">
            <DirectionArrow bearing={rel.bearing} compass={st.compass} own={st.ownFix} />
            <span>
              {formatDistance(rel.metres)} <abbr title={rel.words}>{rel.point}</abbr>
              <span className="visually-hidden"> ({rel.words})</span>
            </span>
          </p>
        ) : (
          <p className="field-distance-wait" data-testid="field-distance-wait">
            {!st.callerFix ? 'Waiting for the caller’s position…' : (st.ownError ?? 'Finding your position…')}
          </p>
        )}
        {st.callerFix ? (
          <a
            className="btn btn-primary btn-large btn-block field-nav"
            href={navigationUrl(st.callerFix, app)}
            data-testid="field-navigate"
          >
            {navigationLabel(app)}
          </a>
        ) : null}
      </section>

      {st.session.mode !== 'location' && store.viewer ? (
        <LiveVideo viewer={store.viewer} session={st.session} />
      ) : null}

      <section className="card map-card" aria-labelledby="field-map-title">
        <h2 id="field-map-title" className="visually-hidden">
          Map
        </h2>
        <SessionMap
          config={cfg}
          track={NO_TRACK}
          latest={st.callerFix}
          officers={me}
          frameOfficers
          label="Map of the caller and you"
        />
      </section>

      <PositionPanel fix={st.callerFix} over={false} />

      <section className="card field-own" aria-labelledby="own-title">
        <h2 id="own-title">Your position</h2>
        {st.ownFix ? (
          <p data-testid="own-position">
            {describeFix(st.ownFix).gridRef ?? 'Outside GB grid'} · ±{Math.round(st.ownFix.accuracy)} m
          </p>
        ) : (
          <p className="muted">{st.ownError ?? 'Finding your position…'}</p>
        )}
        <p className="field-sharing-note">
          {st.sentAt
            ? `Shared with the control room ${formatAge(now - st.sentAt)} ago, while this page is open.`
            : 'Your position is shared with the control room while this page is open.'}
        </p>
      </section>
    </main>
  );
}

/**
 * The arrow towards the caller, turned so "up" is the way the phone faces (compass), or the way
 * the car is going (GPS course); north-up otherwise, and then it says "N up" so nobody drives
 * the wrong way trusting it. On iOS the compass needs a tap to allow it.
 */
function DirectionArrow({
  bearing,
  compass,
  own,
}: {
  bearing: number;
  compass: number | null;
  own: LocationFix | null;
}) {
  const [askCompass, setAskCompass] = useState(() => compassNeedsPermission(isAppleMobile(thisDevice())));
  const view = arrowView(bearing, compass, courseHeading(own));
  return (
    <>
      <span
        className="field-arrow"
        aria-hidden="true"
        data-testid="field-arrow"
        data-reference={view.reference}
        style={{ transform: `rotate(${Math.round(view.rotation)}deg)` }}
      >
        ↑
      </span>
      {view.reference === 'north' ? (
        <span className="field-arrow-ref" data-testid="field-arrow-north">
          N up
        </span>
      ) : null}
      {askCompass && compass === null ? (
        <button
          type="button"
          className="btn btn-secondary btn-small"
          onClick={() => void requestCompass().then((ok) => ok && setAskCompass(false))}
        >
          Use compass
        </button>
      ) : null}
    </>
  );
}

/** "Caller 2 · CAD 123" under an incident share; the session's reference under a session share. */
function callerTitle(share: FieldShare | null, session: FieldSession): string {
  const label = share?.incident?.callers.find((c) => c.session.id === session.id)?.label;
  if (label) return session.reference ? `${label} · ${session.reference}` : label;
  return session.reference ?? 'Shared caller';
}
