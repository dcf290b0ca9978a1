import { can } from '@sightline/protocol/permissions';
import { useEffect, useMemo, useState } from 'react';
import { useApp } from '../app/context.js';
import { Link } from '../app/Link.js';
import { usePageTitle } from '../app/use-page-title.js';
import { formatHm, shortMonth } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { countdown, groupBySeries, SECTIONS, type SeriesGroup, STATUS_LABELS } from './checks-model.js';
import { ChecksStore } from './checks-store.js';
import { ScheduleForm } from './ScheduleForm.js';

/**
 * Bail and court-order checks: schedule a series, and see what is upcoming (with a countdown),
 * open now, done and missed. Missed comes from the session records: a window that closed with
 * no one joining. Each load is an audited read; the countdowns tick here, the list does not poll.
 */
export function ChecksPage() {
  const { api, auth } = useApp();
  usePageTitle('Checks');
  const store = useMemo(() => new ChecksStore(api), [api]);
  const state = useStore(store);
  const roles = useStore(auth).auth?.officer.roles ?? [];
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    void store.load();
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, [store]);
  // The list is read once; a countdown reaching zero is the moment its status changes, so read again.
  useEffect(() => store.refreshIfStale(now), [store, now]);

  return (
    <main id="main" className="page" tabIndex={-1}>
      <h1>Bail and court-order checks</h1>
      <ScheduleForm store={store} />
      <section className="card" aria-labelledby="checks-list-title">
        <h2 id="checks-list-title">Scheduled checks</h2>
        <div className="checks-toolbar">
          {can(roles, 'check:read-all') ? (
            <>
              <label htmlFor="checks-scope">Whose</label>
              <select
                id="checks-scope"
                value={state.scope}
                onChange={(e) => void store.load({ scope: e.target.value as 'mine' | 'all' })}
              >
                <option value="mine">Mine</option>
                <option value="all">Everyone’s</option>
              </select>
            </>
          ) : null}
          <label htmlFor="checks-filter">Show</label>
          <select
            id="checks-filter"
            data-testid="checks-filter"
            value={state.filter ?? ''}
            onChange={(e) => void store.load({ filter: (e.target.value || null) as typeof state.filter })}
          >
            <option value="">All</option>
            {Object.entries(STATUS_LABELS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
          <button type="button" className="btn btn-secondary" onClick={() => void store.load()}>
            Refresh
          </button>
        </div>
        {state.notice ? (
          <p role="status" data-testid="checks-notice">
            {state.notice}
          </p>
        ) : null}
        {state.error ? (
          <p className="form-error" role="alert">
            {state.error}
          </p>
        ) : null}
        {state.status === 'ready' && state.checks.length === 0 ? <p className="muted">No checks.</p> : null}
        {SECTIONS.map((section) => {
          const checks = state.checks.filter((c) => section.statuses.includes(c.status));
          if (checks.length === 0) return null;
          return (
            <section
              key={section.key}
              aria-labelledby={`checks-${section.key}`}
              data-testid={`checks-${section.key}`}
            >
              <h3 id={`checks-${section.key}`}>
                {section.title} ({checks.length})
              </h3>
              {groupBySeries(checks).map((g) => (
                <SeriesCard
                  key={g.seriesId}
                  group={g}
                  now={now}
                  store={store}
                  showOfficer={state.scope === 'all'}
                />
              ))}
            </section>
          );
        })}
      </section>
    </main>
  );
}

function SeriesCard({
  group,
  now,
  store,
  showOfficer,
}: {
  group: SeriesGroup;
  now: number;
  store: ChecksStore;
  showOfficer: boolean;
}) {
  const cancellable = group.checks.some((c) => c.status === 'upcoming' || c.status === 'open');
  const cancel = () => {
    const reason = window.prompt('Why are the remaining checks cancelled? (recorded in the audit trail)');
    if (reason?.trim()) void store.cancelSeries(group.seriesId, reason.trim());
  };
  return (
    <article className="check-series" data-testid="check-series">
      <h4>
        {group.subject ?? 'Check'} · {group.phoneMasked}
        {group.reference ? ` · ${group.reference}` : ''}
        {showOfficer ? ` · ${group.officer}` : ''}
      </h4>
      <ul className="check-list">
        {group.checks.map((c) => (
          <li key={c.sessionId} data-testid="check-row">
            <Link href={`/sessions/${c.sessionId}`}>{windowText(c.notBefore, c.notAfter)}</Link>{' '}
            <span className={`check-status check-status-${c.status}`}>{STATUS_LABELS[c.status]}</span>
            {c.result ? ` · ${c.result}` : ''}{' '}
            <span className="muted" data-testid="check-countdown">
              {countdown(c, now) ?? ''}
            </span>
          </li>
        ))}
      </ul>
      {cancellable ? (
        <button type="button" className="btn btn-secondary" onClick={cancel}>
          Cancel the remaining checks
        </button>
      ) : null}
    </article>
  );
}

/** "Tue 1 Dec 21:00–21:30": a window as the officer reads it (local time). */
function windowText(from: number, to: number): string {
  const d = new Date(from);
  const day = d.toLocaleDateString('en-GB', { weekday: 'short' });
  return `${day} ${d.getDate()} ${shortMonth(from)} ${formatHm(from)}–${formatHm(to)}`;
}
