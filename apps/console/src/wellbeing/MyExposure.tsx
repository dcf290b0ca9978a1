import { useEffect, useMemo } from 'react';
import { useApp } from '../app/context.js';
import { useStore } from '../lib/use-store.js';
import { ExposureStore } from './exposure-store.js';
import { OfficerExposureCard } from './OfficerExposureCard.js';

/** The officer's own exposure on their account page: what is recorded about them, as their supervisor sees it. */
export function MyExposure() {
  const { api } = useApp();
  const store = useMemo(() => new ExposureStore((days) => api.myExposure(days)), [api]);
  const { report, status, error } = useStore(store);
  useEffect(() => {
    void store.fetch(7);
  }, [store]);
  const me = report?.officers[0] ?? null;
  return (
    <section className="card stack" aria-labelledby="exposure-title" data-testid="my-exposure">
      <h2 id="exposure-title">Footage you have seen (last 7 days)</h2>
      <p>
        Sightline records how long you saw live video and recordings clearly (not blurred), and anything you
        marked as distressing. Supervisors see this on the wellbeing page to look after you; every look is
        audited.
      </p>
      {status === 'error' ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {report && me ? (
        <ul className="wellbeing-list" aria-label="Your exposure">
          <OfficerExposureCard officer={me} thresholds={report.thresholds} heading="You" />
        </ul>
      ) : report ? (
        <p data-testid="my-exposure-none">Nothing recorded in the last 7 days.</p>
      ) : null}
    </section>
  );
}
