import type { IncidentCaller } from '@sightline/protocol';
import { useEffect, useMemo, useState } from 'react';
import { useApp, useCan } from '../app/context.js';
import { Link } from '../app/Link.js';
import { usePageTitle } from '../app/use-page-title.js';
import { ExportDialog } from '../exports/ExportDialog.js';
import { ExportStore } from '../exports/export-store.js';
import { InviteForm } from '../invites/InviteForm.js';
import { InviteForm as InviteFormStore } from '../invites/invite-form.js';
import { formatTime, formatWhen } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { LiveVideo } from '../live-video/LiveVideo.js';
import { IncidentMap, type MapCaller, type MapOfficer } from '../location/IncidentMap.js';
import { describeEventDetail, describeEventType, eventTone } from '../session/event-text.js';
import { StateBadge, videoStopped } from '../sessions/StateBadge.js';
import { OfficerPositionsStore, toMarkers } from '../shares/officer-positions.js';
import { SharePanel } from '../shares/SharePanel.js';
import { IncidentController } from './incident-controller.js';
import { callerColour, latestOf } from './incident-model.js';

/**
 * One incident: every caller's live tile, one map with all of them (and field officers sharing
 * their position), one timeline merged from every session, a form to send another link from
 * the incident, its shares with field officers, and the incident's evidence export.
 */
export function IncidentPage({ id }: { id: string }) {
  const { api, socket, iceServers, sessions } = useApp();
  const can = useCan();
  const canViewLive = can('session:view-live');
  const [ctl, setCtl] = useState<IncidentController | null>(null);
  const [officers, setOfficers] = useState<OfficerPositionsStore | null>(null);
  const [invite] = useState(
    () =>
      new InviteFormStore({ createInvite: (body, key) => api.incidentInvite(id, body, key) }, (s) =>
        sessions.upsert(s),
      ),
  );

  useEffect(() => {
    // Field officers sharing their position with any of the incident's sessions: the server sends
    // them to consoles watching the session, which the controller does for each caller.
    let c: IncidentController | null = null;
    const positions = new OfficerPositionsStore((sessionId) => c?.watches(sessionId) ?? false);
    c = new IncidentController(id, {
      api,
      socket,
      iceServers: () => iceServers.get(),
      canViewLive,
      onUnwatch: (sessionId) => positions.forgetSession(sessionId),
    });
    positions.connect(socket);
    c.start();
    setCtl(c);
    setOfficers(positions);
    return () => {
      c?.dispose();
      positions.dispose();
    };
  }, [id, api, socket, iceServers, canViewLive]);

  return ctl && officers ? (
    <IncidentView ctl={ctl} invite={invite} positions={officers} />
  ) : (
    <main id="main" className="page">
      <p className="muted">Loading incident…</p>
    </main>
  );
}

function IncidentView({
  ctl,
  invite,
  positions,
}: {
  ctl: IncidentController;
  invite: InviteFormStore;
  positions: OfficerPositionsStore;
}) {
  const shared = useStore(positions.state);
  const officers: readonly MapOfficer[] = useMemo(() => toMarkers(shared), [shared]);
  const { api, socket, config, ticker } = useApp();
  // The incident's package: the same export job, dialog and progress as a session's.
  const [exporter] = useState(
    () =>
      new ExportStore({
        api,
        socket,
        kind: 'full',
        sessionIds: () => ctl.state.get().incident?.sessionIds ?? [],
        start: (reason) => api.createIncidentExport(ctl.incidentId, reason),
      }),
  );
  useEffect(() => () => exporter.dispose(), [exporter]);
  const can = useCan();
  const st = useStore(ctl.state);
  const cfg = useStore(config);
  const now = useStore(ticker);
  const { incident, callers, timeline } = st;
  usePageTitle(incident ? `Incident: ${incident.title}` : 'Incident');
  const colours = useMemo(() => new Map(callers.map((c, i) => [c.session.id, callerColour(i)])), [callers]);
  const mapCallers: MapCaller[] = useMemo(
    () =>
      callers.map((c) => ({
        sessionId: c.session.id,
        label: c.label,
        colour: colours.get(c.session.id)!,
        track: c.track,
        latest: latestOf(c),
      })),
    [callers, colours],
  );

  if (st.status === 'not-found' || (st.status === 'error' && !incident)) {
    return (
      <main id="main" className="page page-narrow" tabIndex={-1}>
        <h1>{st.status === 'not-found' ? 'Incident not found' : 'Could not load this incident'}</h1>
        <p>{st.error}</p>
        <p>
          <Link href="/">Back to sessions</Link>
        </p>
      </main>
    );
  }
  if (!incident) {
    return (
      <main id="main" className="page">
        <p className="muted">Loading incident…</p>
      </main>
    );
  }
  const open = incident.closedAt === null;

  return (
    <main id="main" className="page incident-page" tabIndex={-1}>
      <div className="session-head">
        <div className="session-title">
          <Link href="/" className="back-link">
            ← Sessions
          </Link>
          <h1 data-testid="incident-title">{incident.title}</h1>
          <p className="session-meta">
            <span data-testid="incident-cad">
              {incident.cadReference ? `CAD reference: ${incident.cadReference}` : 'No CAD reference'}
            </span>
            <span>
              Opened {formatWhen(incident.createdAt, now)} by {incident.createdBy.name}
            </span>
            <span>
              {callers.length === 1 ? '1 caller' : `${callers.length} callers`}
              {open ? '' : ' · closed'}
            </span>
          </p>
        </div>
        <div className="session-head-side">
          {can('evidence:export') ? (
            <ExportDialog
              store={exporter}
              openLabel="Export incident evidence"
              title="Export this incident's evidence"
              what={`One signed package with a folder for each of the ${callers.length} caller sessions: recordings, locations, timelines, chat, an audit extract and a report.`}
              disabled={callers.length === 0}
            />
          ) : null}
        </div>
      </div>

      <section aria-labelledby="callers-title" className="incident-callers">
        <h2 id="callers-title" className="visually-hidden">
          Callers
        </h2>
        {callers.length === 0 ? <p className="muted">No callers in this incident yet.</p> : null}
        <ul className="incident-tiles">
          {callers.map((c) => (
            <CallerTile key={c.session.id} c={c} colour={colours.get(c.session.id)!} ctl={ctl} now={now} />
          ))}
        </ul>
      </section>

      <div className="incident-main">
        <section className="card map-card" aria-labelledby="incident-map-title">
          <h2 id="incident-map-title" className="card-title-pad">
            Map
          </h2>
          <IncidentMap config={cfg} callers={mapCallers} officers={officers} />
          <ul className="map-legend" data-testid="incident-map-legend">
            {mapCallers.map((c) => (
              <li key={c.sessionId}>
                <span className="swatch" style={{ backgroundColor: c.colour }} aria-hidden="true" />
                <strong>{c.label}</strong>{' '}
                {c.latest
                  ? `${c.latest.lat.toFixed(5)}, ${c.latest.lon.toFixed(5)} ±${Math.round(c.latest.accuracy)} m at ${formatTime(c.latest.fixTime)}`
                  : 'no position yet'}
              </li>
            ))}
            {officers.map((o) => (
              <li key={o.officerId}>
                <span className="swatch swatch-officer" aria-hidden="true" />
                <strong>Officer {o.name}</strong> ±{Math.round(o.accuracy)} m at {formatTime(o.at)}
              </li>
            ))}
          </ul>
        </section>
        <MergedTimeline entries={timeline} colours={colours} />
      </div>

      {open && can('incident:manage') ? (
        <InviteForm form={invite} title="Send another link from this incident" main={false} />
      ) : null}
      {/* Sharing the whole incident: the field officer sees every caller in it, now and later. */}
      {can('share:manage') && can('incident:read') ? (
        <SharePanel incidentId={incident.id} over={!open} />
      ) : null}
    </main>
  );
}

function CallerTile({
  c,
  colour,
  ctl,
  now,
}: {
  c: IncidentCaller;
  colour: string;
  ctl: IncidentController;
  now: number;
}) {
  const viewer = ctl.viewer(c.session.id);
  const fix = latestOf(c);
  return (
    <li className="card incident-tile" data-testid="incident-tile" data-session-id={c.session.id}>
      <div className="incident-tile-head">
        <span className="swatch" style={{ backgroundColor: colour }} aria-hidden="true" />
        <h3>{c.label}</h3>
        <StateBadge state={c.session.state} videoStopped={videoStopped(c.session)} />
        <span className="mono small">{c.session.phoneMasked}</span>
      </div>
      {c.session.mode === 'location' ? (
        <p className="muted">Location only: no video.</p>
      ) : viewer ? (
        <LiveVideo viewer={viewer} session={c.session} label={c.label} />
      ) : (
        <p className="muted">Your role cannot watch live video.</p>
      )}
      <p className="small">
        {fix
          ? `Last fix ${formatWhen(fix.receivedAt, now)}, ±${Math.round(fix.accuracy)} m`
          : 'No position yet'}
        {' · '}
        <Link href={`/sessions/${c.session.id}`}>Open {c.label}'s session</Link>
      </p>
    </li>
  );
}

/** Every session's events in one list, oldest first; each says which caller it is about. */
function MergedTimeline({
  entries,
  colours,
}: {
  entries: ReturnType<IncidentController['state']['get']>['timeline'];
  colours: Map<string, string>;
}) {
  return (
    <section className="card timeline-card" aria-labelledby="incident-timeline-title">
      <div className="card-head">
        <h2 id="incident-timeline-title">Timeline</h2>
        <span className="muted">{entries.length} events</span>
      </div>
      {entries.length === 0 ? <p className="muted">No events yet.</p> : null}
      <ol
        className="timeline"
        data-testid="incident-timeline"
        aria-label="Events of every caller, oldest first"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the list scrolls, and a keyboard must be able to scroll it (WCAG 2.1.1).
        tabIndex={0}
      >
        {entries.map((e) => (
          <li
            key={`${e.sessionId}:${e.event.id}`}
            className={`tl-event tl-${eventTone(e.event.type)}`}
            data-testid="incident-timeline-event"
            data-session-id={e.sessionId}
            data-type={e.event.type}
          >
            <time className="tl-time mono" dateTime={new Date(e.event.at).toISOString()}>
              {formatTime(e.event.at)}
            </time>
            <span className="tl-what">
              <span
                className="swatch"
                style={{ backgroundColor: colours.get(e.sessionId) }}
                aria-hidden="true"
              />
              <span className="tl-label">{e.label}:</span> {describeEventType(e.event.type)}
            </span>
            <span className="tl-actor">{e.event.actor ?? 'system'}</span>
            {e.event.detail ? <span className="tl-detail">{describeEventDetail(e.event.detail)}</span> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
