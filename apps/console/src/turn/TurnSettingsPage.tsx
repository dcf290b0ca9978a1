import { useEffect, useMemo } from 'react';
import { useApp } from '../app/context.js';
import { usePageTitle } from '../app/use-page-title.js';
import { useStore } from '../lib/use-store.js';
import type { CreatePeer, GatheringPeer } from './turn-check.js';
import { describeCheck, TurnSettingsStore } from './turn-settings-store.js';

const browserPeer: CreatePeer = (config) =>
  new RTCPeerConnection(config as RTCConfiguration) as unknown as GatheringPeer;

/** Admins: how TURN is set up (never its secret), and whether this browser can open a relay. */
export function TurnSettingsPage() {
  const { api } = useApp();
  usePageTitle('TURN relay');
  const store = useMemo(() => new TurnSettingsStore(api, browserPeer), [api]);
  const { status, settings, error, check } = useStore(store);
  useEffect(() => {
    void store.load();
  }, [store]);
  const outcome = describeCheck(check);

  return (
    <main id="main" className="page page-narrow" tabIndex={-1}>
      <h1>TURN relay</h1>
      <p className="muted">
        Callers on mobile networks or Wi-Fi that blocks UDP reach the media server through the force's TURN
        server. Each browser gets a credential of its own that expires; the shared secret never leaves the
        server.
      </p>
      {status === 'error' ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {settings ? (
        <section className="card" aria-labelledby="turn-config-title">
          <h2 id="turn-config-title">Configuration</h2>
          <dl className="facts" data-testid="turn-settings">
            <div>
              <dt>TURN</dt>
              <dd data-testid="turn-configured">
                {settings.turnConfigured ? 'Configured' : 'Not configured'}
              </dd>
            </div>
            <div>
              <dt>Credential lifetime</dt>
              <dd>{settings.ttlSeconds === null ? 'None' : formatSeconds(settings.ttlSeconds)}</dd>
            </div>
            <div className="facts-wide">
              <dt>TURN servers</dt>
              <dd>
                {settings.turnUrls.length ? (
                  <ul>
                    {settings.turnUrls.map((u) => (
                      <li key={u} className="mono">
                        {u}
                      </li>
                    ))}
                  </ul>
                ) : (
                  'None (set SIGHTLINE_TURN_URLS and SIGHTLINE_TURN_SECRET)'
                )}
              </dd>
            </div>
            <div className="facts-wide">
              <dt>Callers' connection</dt>
              <dd data-testid="turn-caller-policy">
                {settings.callerPolicy === 'relay'
                  ? "Relay only: a caller's media goes through TURN, so their address never reaches the media server"
                  : 'Any path: direct where possible, through TURN where not'}
              </dd>
            </div>
            <div className="facts-wide">
              <dt>STUN servers</dt>
              <dd className="mono">{settings.stunUrls.length ? settings.stunUrls.join(', ') : 'None'}</dd>
            </div>
          </dl>
        </section>
      ) : null}
      {settings?.turnConfigured ? (
        <section className="card" aria-labelledby="turn-check-title">
          <h2 id="turn-check-title">Test from this browser</h2>
          <p className="muted">
            Asks the server for a credential and tries to open a relay with it, as a caller forced to relay
            would. The credential is recorded in the audit trail.
          </p>
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void store.runCheck()}
            disabled={check.state === 'running'}
          >
            Test from this browser
          </button>
          <p
            role="status"
            data-testid="turn-check-result"
            data-outcome={
              check.state === 'done' ? (check.result?.relays.length ? 'relay' : 'none') : check.state
            }
          >
            {outcome}
          </p>
        </section>
      ) : null}
    </main>
  );
}

function formatSeconds(s: number): string {
  if (s % 3600 === 0) return `${s / 3600} hour${s === 3600 ? '' : 's'}`;
  if (s % 60 === 0) return `${s / 60} minutes`;
  return `${s} seconds`;
}
