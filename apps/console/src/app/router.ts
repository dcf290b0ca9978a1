import { Store } from '../lib/store.js';

export type Route =
  | { name: 'login' }
  | { name: 'dashboard' }
  | { name: 'session'; id: string }
  /** Several callers' sessions together: live tiles, one map, one timeline. */
  | { name: 'incident'; id: string }
  /** The open incidents. */
  | { name: 'incidents' }
  /** Supervisors' live wall: every live session as a tile. */
  | { name: 'wall' }
  | { name: 'library' }
  /** A session's evidence; `redact` opens the redaction editor on arrival (from subject access). */
  | { name: 'evidence'; id: string; redact: boolean }
  | { name: 'retention' }
  | { name: 'sar' }
  | { name: 'admin' }
  | { name: 'turn-settings' }
  /** Admins: webhook endpoints for CAD systems, deliveries and dead letters. */
  | { name: 'webhooks' }
  | { name: 'sign-in-settings' }
  | { name: 'api-clients' }
  | { name: 'account' }
  | { name: 'wellbeing' }
  /** Supervisors: links sent, opened, live, failures and callers' feedback, per period and team. */
  | { name: 'take-up' }
  /** Scheduled bail and court-order checks: upcoming, open, done and missed. */
  | { name: 'checks' }
  /** A field officer's shares, and one shared session on their phone. */
  | { name: 'field' }
  | { name: 'field-share'; id: string; sessionId: string | null }
  | { name: 'not-found'; path: string };

/** Where a session's evidence lives: the library view, distinct from the live page at /sessions/:id. */
export const evidencePath = (id: string, redact = false): string =>
  `/library/${encodeURIComponent(id)}${redact ? '/redact' : ''}`;

/** Maps a path to a page. Ids are matched loosely; the server says whether they exist. */
export function matchRoute(path: string): Route {
  const clean = path.replace(/\/+$/, '') || '/';
  if (clean === '/') return { name: 'dashboard' };
  if (clean === '/login') return { name: 'login' };
  if (clean === '/admin') return { name: 'admin' };
  if (clean === '/admin/turn') return { name: 'turn-settings' };
  if (clean === '/admin/webhooks') return { name: 'webhooks' };
  if (clean === '/admin/sign-in') return { name: 'sign-in-settings' };
  if (clean === '/admin/api-clients') return { name: 'api-clients' };
  if (clean === '/account') return { name: 'account' };
  if (clean === '/library') return { name: 'library' };
  if (clean === '/retention') return { name: 'retention' };
  if (clean === '/sar') return { name: 'sar' };
  if (clean === '/wellbeing') return { name: 'wellbeing' };
  if (clean === '/reports/take-up') return { name: 'take-up' };
  if (clean === '/checks') return { name: 'checks' };
  if (clean === '/wall') return { name: 'wall' };
  if (clean === '/incidents') return { name: 'incidents' };
  if (clean === '/field') return { name: 'field' };
  // An incident share: /field/:shareId lists its callers, /field/:shareId/:sessionId shows one.
  const fs = /^\/field\/([A-Za-z0-9-]{1,64})(?:\/([A-Za-z0-9-]{1,64}))?$/.exec(clean);
  if (fs?.[1]) return { name: 'field-share', id: fs[1], sessionId: fs[2] ?? null };
  const m = /^\/sessions\/([A-Za-z0-9-]{1,64})$/.exec(clean);
  if (m?.[1]) return { name: 'session', id: m[1] };
  const inc = /^\/incidents\/([A-Za-z0-9-]{1,64})$/.exec(clean);
  if (inc?.[1]) return { name: 'incident', id: inc[1] };
  const ev = /^\/library\/([A-Za-z0-9-]{1,64})(\/redact)?$/.exec(clean);
  if (ev?.[1]) return { name: 'evidence', id: ev[1], redact: !!ev[2] };
  return { name: 'not-found', path: clean };
}

/** Only same-site, absolute paths may be a redirect target after sign-in. */
export function safeReturnPath(path: string | null | undefined): string {
  if (!path?.startsWith('/') || path.startsWith('//') || path.startsWith('/login')) return '/';
  return path;
}

interface HistoryLike {
  pushState(data: unknown, unused: string, url?: string): void;
  replaceState(data: unknown, unused: string, url?: string): void;
}

/**
 * The whole client-side router: the current path in a store, moved by the
 * History API. A handful of pages do not need a library.
 */
export class Router {
  readonly path: Store<string>;

  constructor(
    private readonly history: HistoryLike,
    initialPath: string,
  ) {
    this.path = new Store(initialPath);
  }

  /** Attaches to the browser's back/forward buttons. */
  listen(win: Pick<Window, 'addEventListener'>, readPath: () => string): void {
    win.addEventListener('popstate', () => this.path.set(readPath()));
  }

  navigate(to: string, opts: { replace?: boolean } = {}): void {
    if (to === this.path.get()) return;
    if (opts.replace) this.history.replaceState(null, '', to);
    else this.history.pushState(null, '', to);
    this.path.set(to);
  }

  get route(): Route {
    return matchRoute(this.path.get());
  }
}
