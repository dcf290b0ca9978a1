import { lazy, Suspense, useEffect, useRef } from 'react';
import { AdminPage } from '../admin/AdminPage.js';
import { LoginPage } from '../auth/LoginPage.js';
import { can, canSeeAdmin } from '../lib/permissions.js';
import { useStore } from '../lib/use-store.js';
import { LinkBanner, MediaBanner } from '../media/MediaBanner.js';
import { DashboardPage } from '../sessions/DashboardPage.js';
import { StorageBanner } from '../storage/StorageBanner.js';
import { useApp } from './context.js';
import { Header } from './Header.js';
import { Link } from './Link.js';
import { matchRoute, safeReturnPath } from './router.js';

// Leaflet is most of the session page's weight; the dashboard (the first screen of every call) loads without it.
const SessionPage = lazy(() => import('../session/SessionPage.js').then((m) => ({ default: m.SessionPage })));
// An incident page carries several live tiles and the map: loaded like the session page.
const IncidentPage = lazy(() =>
  import('../incidents/IncidentPage.js').then((m) => ({ default: m.IncidentPage })),
);
// The evidence screens are back-office work: none of their code delays a call handler's first screen.
const EvidencePage = lazy(() =>
  import('../evidence/EvidencePage.js').then((m) => ({ default: m.EvidencePage })),
);
const LibraryPage = lazy(() => import('../library/LibraryPage.js').then((m) => ({ default: m.LibraryPage })));
const RetentionPage = lazy(() =>
  import('../retention/RetentionPage.js').then((m) => ({ default: m.RetentionPage })),
);
// The live wall is a supervisor's screen: nothing of it loads for anyone else.
const IncidentsPage = lazy(() =>
  import('../incidents/IncidentsPage.js').then((m) => ({ default: m.IncidentsPage })),
);
const WallPage = lazy(() => import('../wall/WallPage.js').then((m) => ({ default: m.WallPage })));
const SarPage = lazy(() => import('../sar/SarPage.js').then((m) => ({ default: m.SarPage })));
const SignInSettingsPage = lazy(() =>
  import('../admin/SignInSettingsPage.js').then((m) => ({ default: m.SignInSettingsPage })),
);
const ApiClientsPage = lazy(() =>
  import('../admin/ApiClientsPage.js').then((m) => ({ default: m.ApiClientsPage })),
);
// Supervisors only, and rarely: none of it in anyone else's first screen.
const TakeUpPage = lazy(() => import('../take-up/TakeUpPage.js').then((m) => ({ default: m.TakeUpPage })));
const WellbeingPage = lazy(() =>
  import('../wellbeing/WellbeingPage.js').then((m) => ({ default: m.WellbeingPage })),
);
const ChecksPage = lazy(() => import('../checks/ChecksPage.js').then((m) => ({ default: m.ChecksPage })));
const AccountPage = lazy(() => import('../account/AccountPage.js').then((m) => ({ default: m.AccountPage })));
// Field officers' phone pages: nothing of them loads for the control room.
const FieldListPage = lazy(() =>
  import('../field/FieldListPage.js').then((m) => ({ default: m.FieldListPage })),
);
const FieldSharePage = lazy(() =>
  import('../field/FieldSharePage.js').then((m) => ({ default: m.FieldSharePage })),
);
const TurnSettingsPage = lazy(() =>
  import('../turn/TurnSettingsPage.js').then((m) => ({ default: m.TurnSettingsPage })),
);
const WebhooksPage = lazy(() =>
  import('../webhooks/WebhooksPage.js').then((m) => ({ default: m.WebhooksPage })),
);

/** Chooses the page from the sign-in state and the path. */
export function App() {
  const { auth, router } = useApp();
  const { status, auth: signedIn, signedOutByUser } = useStore(auth);
  const path = useStore(router.path);
  const route = matchRoute(path);
  const returnTo = useRef<string | null>(null);

  // Keep the URL honest: the sign-in page lives at /login, and signing in returns to where the officer was.
  useEffect(() => {
    if (status === 'signed-out' && route.name !== 'login') {
      returnTo.current = signedOutByUser ? null : path;
      router.navigate('/login', { replace: true });
    } else if (status === 'signed-in' && route.name === 'login') {
      router.navigate(safeReturnPath(returnTo.current), { replace: true });
      returnTo.current = null;
    }
  }, [status, route.name, path, router, signedOutByUser]);

  // After an in-app navigation, start the keyboard and screen reader at the new page's heading,
  // unless the page already put focus somewhere useful (the dashboard starts in the phone field).
  const firstPath = useRef(true);
  useEffect(() => {
    if (firstPath.current) {
      firstPath.current = false;
      return;
    }
    if (!path) return;
    const main = document.getElementById('main');
    if (!main || main.contains(document.activeElement)) return;
    const h1 = main.querySelector('h1');
    if (h1) {
      h1.tabIndex = -1;
      h1.focus();
    }
  }, [path]);

  if (status === 'checking') {
    return (
      <main id="main" className="page page-center">
        <p className="muted">Checking your sign-in…</p>
      </main>
    );
  }
  if (status === 'signed-out' || !signedIn) return <LoginPage />;

  const roles = signedIn.officer.roles;
  const lazyPage = (allowed: boolean, el: React.ReactNode) =>
    allowed ? <Suspense fallback={<Loading />}>{el}</Suspense> : <NoAccess />;
  let page: React.ReactNode;
  if (route.name === 'dashboard' || route.name === 'login') {
    // A data protection officer has no live sessions to watch: their home is the library.
    page = can(roles, 'session:read') ? (
      <DashboardPage />
    ) : can(roles, 'share:use') ? (
      // A field officer's home is what has been shared with them.
      lazyPage(true, <FieldListPage />)
    ) : can(roles, 'evidence:read') ? (
      lazyPage(true, <LibraryPage />)
    ) : canSeeAdmin(roles) ? (
      <AdminPage />
    ) : (
      <NoAccess />
    );
  } else if (route.name === 'session') {
    page = lazyPage(can(roles, 'session:read'), <SessionPage key={route.id} id={route.id} />);
  } else if (route.name === 'incident') {
    page = lazyPage(can(roles, 'incident:read'), <IncidentPage key={route.id} id={route.id} />);
  } else if (route.name === 'incidents') {
    page = lazyPage(can(roles, 'incident:read'), <IncidentsPage />);
  } else if (route.name === 'wall') {
    page = lazyPage(can(roles, 'session:wall'), <WallPage />);
  } else if (route.name === 'library') {
    page = lazyPage(can(roles, 'evidence:read'), <LibraryPage />);
  } else if (route.name === 'evidence') {
    page = lazyPage(
      can(roles, 'evidence:read'),
      <EvidencePage key={route.id} id={route.id} redact={route.redact} />,
    );
  } else if (route.name === 'retention') {
    page = lazyPage(can(roles, 'retention:read'), <RetentionPage />);
  } else if (route.name === 'sar') {
    page = lazyPage(can(roles, 'sar:search'), <SarPage />);
  } else if (route.name === 'admin') {
    page = canSeeAdmin(roles) ? <AdminPage /> : <NoAccess />;
  } else if (route.name === 'sign-in-settings') {
    page = lazyPage(can(roles, 'officer:manage'), <SignInSettingsPage />);
  } else if (route.name === 'api-clients') {
    page = lazyPage(can(roles, 'api-client:manage'), <ApiClientsPage />);
  } else if (route.name === 'take-up') {
    page = lazyPage(can(roles, 'report:take-up'), <TakeUpPage />);
  } else if (route.name === 'wellbeing') {
    page = lazyPage(can(roles, 'wellbeing:read'), <WellbeingPage />);
  } else if (route.name === 'checks') {
    page = lazyPage(can(roles, 'check:read'), <ChecksPage />);
  } else if (route.name === 'account') {
    page = lazyPage(true, <AccountPage />);
  } else if (route.name === 'field') {
    page = lazyPage(can(roles, 'share:use'), <FieldListPage />);
  } else if (route.name === 'field-share') {
    page = lazyPage(
      can(roles, 'share:use'),
      <FieldSharePage key={`${route.id}/${route.sessionId}`} id={route.id} sessionId={route.sessionId} />,
    );
  } else if (route.name === 'turn-settings') {
    page = lazyPage(can(roles, 'turn:check'), <TurnSettingsPage />);
  } else if (route.name === 'webhooks') {
    page = lazyPage(can(roles, 'webhook:manage'), <WebhooksPage />);
  } else {
    page = <NotFound />;
  }

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <Header />
      <MediaBanner />
      <StorageBanner />
      <LinkBanner />
      {page}
    </>
  );
}

function Loading() {
  return (
    <main id="main" className="page">
      <p className="muted">Loading…</p>
    </main>
  );
}

function NoAccess() {
  return (
    <main id="main" className="page page-narrow" tabIndex={-1}>
      <h1>Not available to your role</h1>
      <p>Your account cannot use this page. Ask an administrator if you need access.</p>
    </main>
  );
}

function NotFound() {
  return (
    <main id="main" className="page page-narrow" tabIndex={-1}>
      <h1>Page not found</h1>
      <p>
        <Link href="/">Go to the session list</Link>
      </p>
    </main>
  );
}
