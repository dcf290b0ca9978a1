import type { Watcher } from '@sightline/protocol';
import { useEffect, useRef, useState } from 'react';
import { useApp } from '../app/context.js';
import { formatClock } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { othersText, presenceChangeText } from './presence-store.js';

/**
 * "Also watching: …" for one session: the other officers who have it open, on this
 * console's server or another. Changes are announced politely to screen readers once the
 * officer's own watch has been counted (so opening the page does not read out a list of
 * arrivals). A wall tile shows the list without announcing: sixteen tiles talking at once
 * would drown everything else. Times are read at render, not ticked: they do not move.
 */
export function Watchers({ sessionId, announce = true }: { sessionId: string; announce?: boolean }) {
  const { presence, auth } = useApp();
  const selfId = useStore(auth).auth?.officer.id ?? null;
  const watchers = useStore(presence).get(sessionId) ?? NONE;
  const [said, setSaid] = useState('');
  const before = useRef<readonly Watcher[] | null>(null);

  useEffect(() => {
    const prev = before.current;
    // The baseline is the first list that includes us: the server's answer to our own watch.
    if (prev === null) {
      if (watchers.some((w) => w.officerId === selfId)) before.current = watchers;
      return;
    }
    before.current = watchers;
    const text = announce ? presenceChangeText(prev, watchers, selfId) : null;
    if (text) setSaid(text);
  }, [watchers, selfId, announce]);

  const others = watchers.filter((w) => w.officerId !== selfId);
  const text = othersText(watchers, selfId);
  return (
    <div className="watchers" data-testid="watchers" data-count={others.length}>
      {text ? (
        <p className="watchers-line">
          <span className="watchers-label">Also watching:</span>{' '}
          {others.map((w, i) => (
            <span key={w.officerId} className="watcher" data-testid="watcher">
              {w.name}
              <span className="watcher-since"> (since {formatClock(w.since, Date.now())})</span>
              {i < others.length - 1 ? ', ' : ''}
            </span>
          ))}
        </p>
      ) : (
        <p className="watchers-line muted">No one else is watching</p>
      )}
      {announce ? (
        <p className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
          {said}
        </p>
      ) : null}
    </div>
  );
}

const NONE: readonly Watcher[] = [];
