import { usePageTitle } from '../app/use-page-title.js';
import { IncidentsPanel } from './IncidentsPanel.js';

/** Every open incident, reached from the top bar (the dashboard shows the same list under its sessions). */
export function IncidentsPage() {
  usePageTitle('Incidents');
  return (
    <main id="main" className="page incidents-page" tabIndex={-1}>
      <h1>Incidents</h1>
      <IncidentsPanel />
    </main>
  );
}
