import { useEffect, useMemo, useState } from 'react';
import { useApp, useCan } from '../app/context.js';
import { Link } from '../app/Link.js';
import { evidencePath } from '../app/router.js';
import { usePageTitle } from '../app/use-page-title.js';
import { CallerPanel } from '../caller-controls/CallerPanel.js';
import { ChatPanel } from '../chat/ChatPanel.js';
import { EvidencePanel } from '../evidence/EvidencePanel.js';
import { SessionIncident } from '../incidents/SessionIncident.js';
import { InterpreterPanel } from '../interpreters/InterpreterPanel.js';
import { type InterpreterState, InterpreterStore } from '../interpreters/interpreter-store.js';
import { formatClock, formatWhen } from '../lib/format.js';
import { LanguageName } from '../lib/LanguageName.js';
import { modeName } from '../lib/session-options.js';
import { Store } from '../lib/store.js';
import { useStore, useStoreValue } from '../lib/use-store.js';
import { VerificationCode } from '../lib/VerificationCode.js';
import { LiveVideo } from '../live-video/LiveVideo.js';
import { videoStoppedText } from '../live-video/video-overlay.js';
import { NetworkLocation } from '../location/NetworkLocation.js';
import { PositionPanel } from '../location/PositionPanel.js';
import { SessionMap } from '../location/SessionMap.js';
import { TrackingStoppedBanner } from '../location/TrackingStoppedBanner.js';
import { FixAlertBanner } from '../outcomes/FixAlertBanner.js';
import { SessionOutcomes } from '../outcomes/SessionOutcomes.js';
import { Watchers } from '../presence/Watchers.js';
import { StateBadge, videoStopped } from '../sessions/StateBadge.js';
import { OfficerPositionsStore, toMarkers } from '../shares/officer-positions.js';
import { OfficerPositionsList, SharePanel } from '../shares/SharePanel.js';
import { TextsPanel } from '../texts/TextsPanel.js';
import { OfficerCameraPanel } from '../two-way/OfficerCameraPanel.js';
import { EndSession } from './EndSession.js';
import { describeEndReason, sessionStateText } from './event-text.js';
import { SessionController } from './session-controller.js';
import { latestFix } from './session-model.js';
import { Timeline } from './Timeline.js';

/** For a role without interpreters (field officers): never changes. */
const NO_INTERPRETER = new Store<InterpreterState>({
  invites: [],
  link: null,
  busy: false,
  error: null,
  stream: null,
});

/**
 * The working screen for one session: video (with the caller's phone state)
 * beside the map and the chat, then timeline and evidence. A location-only
 * session has no video: the map is the main view.
 */
export function SessionPage({ id }: { id: string }) {
  const { api, socket, iceServers, sessions } = useApp();
  const can = useCan();
  const canViewLive = can('session:view-live');
  const canReadEvidence = can('evidence:read');
  const [ctl, setCtl] = useState<SessionController | null>(null);
  const [officers, setOfficers] = useState<OfficerPositionsStore | null>(null);
  const [interpreter, setInterpreter] = useState<InterpreterStore | null>(null);
  const canReadSession = can('session:read');

  useEffect(() => {
    // Listening before the watch goes out: the server sends field officers' positions on watch.
    const positions = new OfficerPositionsStore(id);
    positions.connect(socket);
    setOfficers(positions);
    const c = new SessionController(id, {
      api,
      socket,
      iceServers: () => iceServers.get(),
      onSummary: (s) => sessions.upsert(s),
      canViewLive,
      canReadEvidence,
    });
    c.start();
    setCtl(c);
    // An interpreter in the call (issue 13): the control room's, not a field officer's.
    const interp = canReadSession
      ? new InterpreterStore(id, { api, socket, iceServers: () => iceServers.get(), canViewLive })
      : null;
    void interp?.start();
    setInterpreter(interp);
    return () => {
      c.dispose();
      positions.dispose();
      interp?.dispose();
    };
  }, [id, api, socket, iceServers, sessions, canViewLive, canReadEvidence, canReadSession]);

  return ctl && officers ? (
    <SessionView ctl={ctl} officers={officers} interpreter={interpreter} />
  ) : (
    <main id="main" className="page">
      <p className="muted">Loading session…</p>
    </main>
  );
}

function SessionView({
  ctl,
  officers,
  interpreter,
}: {
  ctl: SessionController;
  officers: OfficerPositionsStore;
  interpreter: InterpreterStore | null;
}) {
  const { config, ticker } = useApp();
  const can = useCan();
  const state = useStore(ctl.state);
  const interpreterInvites = useStoreValue(interpreter?.state ?? NO_INTERPRETER, (s) => s.invites);
  const interpreterJoined = interpreterInvites.some((i) => i.state === 'joined');
  const positions = useStore(officers.state);
  const markers = useMemo(() => toMarkers(positions), [positions]);
  const cfg = useStore(config);
  const now = useStore(ticker);
  const { session, status } = state;
  const title = session ? (session.reference ?? `Session for ${session.phoneMasked}`) : 'Session';
  usePageTitle(session ? `${title} (${session.state})` : 'Session');

  if (status === 'not-found' || (status === 'error' && !session)) {
    return (
      <main id="main" className="page page-narrow" tabIndex={-1}>
        <h1>{status === 'not-found' ? 'Session not found' : 'Could not load this session'}</h1>
        <p>{state.error}</p>
        <p>
          <Link href="/">Back to sessions</Link>
        </p>
      </main>
    );
  }

  const fix = latestFix(state.track, session);
  const over = session?.state === 'ended' || session?.state === 'expired';
  const endReason = describeEndReason(session?.endReason ?? null);
  const locationOnly = session?.mode === 'location';
  const canTalk = can('session:view-live');
  // Before the caller has agreed, reading the code is the handler's next job, so it is large.
  const beforeConsent = !session || session.state === 'sent' || session.state === 'opened';

  const map = (
    <section className="card map-card" aria-labelledby="map-title">
      <h2 id="map-title" className="visually-hidden">
        Map
      </h2>
      <SessionMap
        config={cfg}
        track={state.track}
        latest={fix}
        tall={locationOnly}
        officers={markers}
        network={state.network}
      />
      <NetworkLocation network={state.network} gps={fix} />
    </section>
  );
  const field = (
    <>
      <OfficerPositionsList positions={positions} />
      {can('share:manage') && session ? <SharePanel sessionId={session.id} over={over} /> : null}
    </>
  );
  const chat = (
    <ChatPanel
      chat={ctl.chat}
      canSend={canTalk}
      closed={over}
      waiting={!session}
      notOpened={session?.state === 'sent'}
    />
  );

  return (
    <main id="main" className="page session-page" tabIndex={-1}>
      <div className="session-head">
        <div className="session-title">
          <Link href="/" className="back-link">
            ← Sessions
          </Link>
          <div className="session-title-row">
            <h1>{title}</h1>
            {session ? (
              <StateBadge
                state={session.state}
                videoStopped={videoStopped(session)}
                testId="session-state"
                large
              />
            ) : null}
            <UnreadLink ctl={ctl} />
          </div>
          {session ? (
            <p className="session-meta">
              <span className="mono">{session.phoneMasked}</span>
              <span>
                Sent {formatWhen(session.createdAt, now)} by {session.createdBy.name}
              </span>
              <span>
                {modeName(session.mode)} · <LanguageName code={session.language} />
              </span>
              <span>{sessionStateText(session)}</span>
              {session.state === 'ended' && endReason ? <span>Ended: {endReason}</span> : null}
              {can('evidence:read') ? (
                <Link href={evidencePath(session.id)} data-testid="open-evidence-view">
                  {over ? 'Open in the evidence library' : 'Evidence view'}
                </Link>
              ) : null}
            </p>
          ) : (
            <p className="session-meta muted">Loading…</p>
          )}
          <Watchers sessionId={ctl.sessionId} />
          {session && videoStoppedText(session) ? (
            <p className="video-stopped" role="alert" data-testid="video-stopped">
              {videoStoppedText(session)}
            </p>
          ) : null}
          {session?.text ? <TextsPanel session={session} /> : null}
          {locationOnly ? <FixAlertBanner timeline={state.timeline} fix={fix} now={now} /> : null}
          <TrackingStoppedBanner timeline={state.timeline} over={over} />
          {locationOnly && session?.locationUntil != null ? (
            <p className="location-until" data-testid="location-until">
              {over || session.locationUntil <= now
                ? 'Location sharing ended at '
                : 'Location sharing ends at '}
              <strong>{formatClock(session.locationUntil, now)}</strong>
            </p>
          ) : null}
        </div>
        <div className="session-head-side">
          {session ? <VerificationCode code={session.verificationCode} compact={!beforeConsent} /> : null}
          {can('session:end') ? <EndSession ctl={ctl} /> : null}
        </div>
      </div>

      {locationOnly ? (
        <div className="session-main session-main-location">
          <div className="session-primary">{map}</div>
          <div className="session-side">
            <PositionPanel fix={fix} over={over} />
            {field}
          </div>
          <div className="session-chat">{chat}</div>
        </div>
      ) : (
        <div className="session-main session-main-video">
          <div className="session-primary">
            {ctl.viewer ? (
              <LiveVideo viewer={ctl.viewer} session={session} />
            ) : (
              <div className="video-panel video-panel-none">
                <p className="muted">Your role cannot watch live video.</p>
              </div>
            )}
            <CallerPanel controls={ctl.controls} session={session} canAsk={canTalk} />
            {/* An interpreter must see and hear the officer: their joining offers the camera in any video session. */}
            {(session?.mode === 'two-way' || interpreterJoined) && ctl.camera ? (
              <OfficerCameraPanel camera={ctl.camera} session={session} />
            ) : null}
            {interpreter ? (
              <InterpreterPanel store={interpreter} over={over} canManage={can('interpreter:manage')} />
            ) : null}
          </div>
          <div className="session-side">
            {map}
            <PositionPanel fix={fix} over={over} />
            {field}
          </div>
          <div className="session-chat">{chat}</div>
        </div>
      )}

      <div className="session-lower">
        {session ? (
          <SessionOutcomes sessionId={session.id} mode={session.mode} timeline={state.timeline} now={now} />
        ) : null}
        <Timeline events={state.timeline} announced={state.announced} />
        {session && can('incident:read') ? <SessionIncident key={session.id} session={session} /> : null}
        {can('evidence:read') ? (
          <EvidencePanel
            evidence={state.evidence}
            sessionOver={over}
            onRetry={() => void ctl.loadEvidence()}
          />
        ) : null}
      </div>
    </main>
  );
}

/** "3 unread messages", taking the officer to the chat when it is scrolled out of view. */
function UnreadLink({ ctl }: { ctl: SessionController }) {
  const unread = useStoreValue(ctl.chat, (c) => c.unread);
  const visible = useStoreValue(ctl.chat, (c) => c.visible);
  if (!unread || visible) return null;
  return (
    <button
      type="button"
      className="btn btn-small unread-link"
      onClick={() => {
        document.getElementById('chat')?.scrollIntoView({ block: 'nearest' });
        document.getElementById('chat-input')?.focus({ preventScroll: true });
      }}
    >
      {unread === 1 ? '1 unread message' : `${unread} unread messages`}
    </button>
  );
}
