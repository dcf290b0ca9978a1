import type { ConsoleConfig, IceServer } from '@sightline/protocol';
import { AuditStore, SystemStore } from '../admin/audit-store.js';
import { OfficersStore } from '../admin/officers-store.js';
import { ApiClient } from '../api/api-client.js';
import { AuthStore } from '../auth/auth-store.js';
import { ExportStore } from '../exports/export-store.js';
import { IncidentListStore } from '../incidents/incident-list.js';
import { InviteForm } from '../invites/invite-form.js';
import { Store, Ticker } from '../lib/store.js';
import { LibraryCache } from '../library/library-query.js';
import { LibraryStore } from '../library/library-store.js';
import { MediaStore } from '../media/media-status.js';
import { OutboxStore } from '../outbox/outbox-store.js';
import { PresenceStore } from '../presence/presence-store.js';
import { PoliciesStore } from '../retention/policies-store.js';
import { SarStore } from '../sar/sar-store.js';
import { SessionListStore } from '../sessions/session-list.js';
import { ConsoleSocket } from '../signalling/console-socket.js';
import { StorageStore } from '../storage/storage-status.js';
import { ExposureReporter } from '../viewer-protection/exposure-reporter.js';
import { Router } from './router.js';

/** Every store and service of the console; built once at start-up and handed to React by context. */
export interface ConsoleApp {
  router: Router;
  auth: AuthStore;
  api: ApiClient;
  socket: ConsoleSocket;
  config: Store<ConsoleConfig | null>;
  iceServers: Store<IceServer[]>;
  sessions: SessionListStore;
  /** Who is watching each session (the session page, the live wall, the list). */
  presence: PresenceStore;
  invite: InviteForm;
  /** Open incidents (dashboard, session page), kept current by `incident.updated`. */
  incidents: IncidentListStore;
  outbox: OutboxStore;
  media: MediaStore;
  storage: StorageStore;
  officers: OfficersStore;
  audit: AuditStore;
  system: SystemStore;
  /** Library records already fetched, so a session opened from a list needs no second search. */
  libraryCache: LibraryCache;
  library: LibraryStore;
  policies: PoliciesStore;
  sar: SarStore;
  /** The subject-access export of the SAR page's selection; kept here so it survives opening a session. */
  sarExport: ExportStore;
  ticker: Ticker;
  /** Reports footage seen clearly (every protected view on the page) to the exposure log. */
  exposure: ExposureReporter;
}

/** Builds the console and ties the sign-in to everything that depends on it. */
export function createConsoleApp(win: Window): ConsoleApp {
  const router = new Router(win.history, win.location.pathname);
  router.listen(win, () => win.location.pathname);
  const auth = new AuthStore();
  const api = new ApiClient({
    csrfToken: () => auth.csrfToken,
    onUnauthenticated: () => auth.expired(),
    onAuthRefreshed: (s) => auth.refreshed(s),
  });
  auth.attachApi(api);
  const wsUrl = () =>
    `${win.location.protocol === 'https:' ? 'wss' : 'ws'}://${win.location.host}/ws/console`;
  // A refused upgrade looks like any dropped connection; checking /me tells an expired sign-in apart.
  const socket = new ConsoleSocket({
    url: wsUrl,
    onDropped: () => void auth.verify(),
    onSignedOut: (reason) => auth.signedOutByServer(reason),
  });
  const config = new Store<ConsoleConfig | null>(null);
  const iceServers = new Store<IceServer[]>([]);
  const sessions = new SessionListStore(api);
  const outbox = new OutboxStore(api);
  const presence = new PresenceStore();
  const media = new MediaStore();
  const storage = new StorageStore();
  const invite = new InviteForm(api, (s) => sessions.upsert(s));
  const incidents = new IncidentListStore(api);

  sessions.connect(socket);
  incidents.connect(socket);
  presence.connect(socket);
  outbox.connect(socket);
  media.connect(socket);
  storage.connect(socket);
  socket.onMessage((m) => {
    // A fresh TURN credential arrives before the last expires; new views and the camera use it.
    if (m.type === 'hello' || m.type === 'ice.servers') iceServers.set(m.iceServers);
  });

  const officers = new OfficersStore(api);
  const audit = new AuditStore(api);
  const system = new SystemStore(api);
  const libraryCache = new LibraryCache();
  const library = new LibraryStore(api, libraryCache);
  const policies = new PoliciesStore(api);
  const sar = new SarStore(api, libraryCache);
  const sarExport = new ExportStore({ api, socket, kind: 'sar', sessionIds: () => sar.get().selected });

  const exposure = new ExposureReporter({
    send: (intervals, { keepalive }) => api.reportExposure(intervals, keepalive),
    intervalMs: () => (config.get()?.viewerProtection.reportSeconds ?? 20) * 1000,
  });
  // Hidden footage is not seen; hiding is also the last moment a closing tab reliably gets.
  const doc = win.document;
  doc.addEventListener('visibilitychange', () => exposure.setVisible(doc.visibilityState === 'visible'));
  win.addEventListener('pagehide', () => void exposure.flush());
  // The last minutes go out under the officer who watched them, before their sign-in ends.
  auth.beforeSignOut(() => exposure.flush());

  const app: ConsoleApp = {
    router,
    auth,
    api,
    socket,
    config,
    iceServers,
    sessions,
    presence,
    invite,
    incidents,
    outbox,
    media,
    storage,
    officers,
    audit,
    system,
    libraryCache,
    library,
    policies,
    sar,
    sarExport,
    ticker: new Ticker(),
    exposure,
  };

  let signedInAs: string | null = null;
  auth.subscribe(() => {
    const { status, auth: state } = auth.get();
    const who = status === 'signed-in' ? (state?.officer.id ?? null) : null;
    if (who === signedInAs) return;
    signedInAs = who;
    // Nothing measured under one sign-in may be sent under the next (another officer's log).
    exposure.reset();
    if (who) {
      socket.start();
      api.config().then(
        (c) => config.set(c),
        (err: unknown) => console.warn('console: could not load settings', err),
      );
    } else {
      socket.stop();
      sessions.reset();
      incidents.reset();
      presence.reset();
      outbox.reset();
      officers.reset();
      audit.reset();
      system.reset();
      invite.reset();
      // Search results name members of the public: nothing of them may outlive the sign-in.
      library.reset();
      sar.reset();
      sarExport.reset();
      policies.reset();
      libraryCache.clear();
    }
  });
  return app;
}
