import { can, canSeeAdmin, ROLE_LABELS } from '../lib/permissions.js';
import { useStore } from '../lib/use-store.js';
import { useApp } from './context.js';
import { Link } from './Link.js';

/** Top bar on every signed-in page: who is signed in, where they can go, sign out. */
export function Header() {
  const { auth, router, config } = useApp();
  const officer = useStore(auth).auth?.officer;
  const path = useStore(router.path);
  const agency = useStore(config)?.agency;
  if (!officer) return null;
  const links: Array<{ href: string; label: string; current: boolean }> = [];
  const live = can(officer.roles, 'session:read');
  if (live) {
    links.push({ href: '/', label: 'Sessions', current: path === '/' || path.startsWith('/sessions/') });
  }
  if (can(officer.roles, 'incident:read')) {
    const here = path === '/incidents' || path.startsWith('/incidents/');
    links.push({ href: '/incidents', label: 'Incidents', current: here });
  }
  if (can(officer.roles, 'check:read')) {
    links.push({ href: '/checks', label: 'Checks', current: path === '/checks' });
  }
  if (can(officer.roles, 'session:wall')) {
    links.push({ href: '/wall', label: 'Live wall', current: path === '/wall' });
  }
  if (can(officer.roles, 'evidence:read')) {
    // Without live sessions, "/" shows the library, so it is current there too.
    const here = path === '/library' || path.startsWith('/library/') || (!live && path === '/');
    links.push({ href: '/library', label: 'Library', current: here });
  }
  if (can(officer.roles, 'retention:read')) {
    links.push({ href: '/retention', label: 'Retention', current: path === '/retention' });
  }
  if (can(officer.roles, 'sar:search')) {
    links.push({ href: '/sar', label: 'Subject access', current: path === '/sar' });
  }
  if (can(officer.roles, 'wellbeing:read')) {
    links.push({ href: '/wellbeing', label: 'Wellbeing', current: path === '/wellbeing' });
  }
  if (can(officer.roles, 'report:take-up')) {
    links.push({ href: '/reports/take-up', label: 'Take-up', current: path === '/reports/take-up' });
  }
  if (can(officer.roles, 'share:use')) {
    const here = path === '/field' || path.startsWith('/field/') || (!live && path === '/');
    links.push({ href: '/field', label: 'Shared with me', current: here });
  }
  if (canSeeAdmin(officer.roles)) links.push({ href: '/admin', label: 'Admin', current: path === '/admin' });

  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-name">Sightline</span>
        {agency ? <span className="brand-agency">{agency}</span> : null}
      </div>
      <nav aria-label="Main" className="main-nav">
        <ul>
          {links.map((l) => (
            <li key={l.href}>
              <Link href={l.href} aria-current={l.current ? 'page' : undefined} className="nav-link">
                {l.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="whoami">
        <span className="whoami-name">{officer.displayName}</span>
        <span className="whoami-roles">{officer.roles.map((r) => ROLE_LABELS[r]).join(' · ')}</span>
        <Link href="/account" className="nav-link" aria-current={path === '/account' ? 'page' : undefined}>
          Your account
        </Link>
        <button
          type="button"
          className="btn btn-quiet"
          onClick={async () => {
            const endSessionUrl = await auth.logout();
            // Signed in with the force account: its identity provider signs the browser out too.
            if (endSessionUrl) window.location.assign(endSessionUrl);
            else router.navigate('/login', { replace: true });
          }}
        >
          Sign out
        </button>
      </div>
    </header>
  );
}
