import { useEffect, useMemo } from 'react';
import { useApp } from '../app/context.js';
import { usePageTitle } from '../app/use-page-title.js';
import { formatDateTime } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { ExposureStore } from './exposure-store.js';
import { OfficerExposureCard } from './OfficerExposureCard.js';
import { orderOfficers } from './wellbeing-model.js';

const PERIODS = [1, 7, 14, 31] as const;

/**
 * Supervisors' wellbeing view: each officer's exposure to footage per shift, flagged where it
 * reached the force's thresholds. Personal data: each load is an audited read, so it loads
 * when opened or when the supervisor asks, never on a timer.
 */
export function WellbeingPage() {
  const { api } = useApp();
  usePageTitle('Wellbeing');
  const store = useMemo(() => new ExposureStore((days) => api.wellbeing(days)), [api]);
  const { status, report, days, error } = useStore(store);
  useEffect(() => {
    void store.fetch();
  }, [store]);
  const officers = report ? orderOfficers(report.officers) : [];
  const flagged = officers.filter((o) => o.shifts.some((s) => s.flags.length > 0)).length;

  return (
    <main id="main" className="page" tabIndex={-1}>
      <h1>Wellbeing</h1>
      <p>
        How much distressing footage each officer has seen clearly, per shift. Use it to check in with people
        and share the load, never to judge them. Every time this page loads, your view is recorded in the
        audit trail.
      </p>
      <div className="wellbeing-toolbar">
        <label htmlFor="wellbeing-days">Period</label>
        <select
          id="wellbeing-days"
          value={days}
          onChange={(e) => void store.fetch(Number(e.target.value))}
          data-testid="wellbeing-days"
        >
          {PERIODS.map((d) => (
            <option key={d} value={d}>
              {d === 1 ? 'Last day' : `Last ${d} days`}
            </option>
          ))}
        </select>
        <button type="button" className="btn btn-secondary" onClick={() => void store.fetch()}>
          Refresh
        </button>
      </div>
      {status === 'error' ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {report ? (
        <>
          <p data-testid="wellbeing-summary" role="status">
            {officers.length === 0
              ? 'No one has seen footage clearly in this period.'
              : `${officers.length} ${officers.length === 1 ? 'officer' : 'officers'}; ${flagged} over a threshold.`}{' '}
            Shifts start at {report.shiftPlan.starts.join(' and ')} ({report.shiftPlan.timeZone}). From{' '}
            {formatDateTime(report.from)}.
          </p>
          <ul className="wellbeing-list" aria-label="Officers">
            {officers.map((o) => (
              <OfficerExposureCard
                key={o.officerId}
                officer={o}
                thresholds={report.thresholds}
                heading={o.name}
              />
            ))}
          </ul>
        </>
      ) : status === 'loading' ? (
        <p className="muted">Loading…</p>
      ) : null}
    </main>
  );
}
