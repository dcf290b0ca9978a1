import { useEffect } from 'react';
import { useApp, useCan } from '../app/context.js';
import { usePageTitle } from '../app/use-page-title.js';
import { IncidentsPanel } from '../incidents/IncidentsPanel.js';
import { InviteForm } from '../invites/InviteForm.js';
import { useStore } from '../lib/use-store.js';
import { OutboxPanel } from '../outbox/OutboxPanel.js';
import { SessionTable } from './SessionTable.js';

/** Home for call handlers: send a link first, then the live session list and the outbox. */
export function DashboardPage() {
  const { sessions, config } = useApp();
  const cfg = useStore(config);
  const can = useCan();
  usePageTitle('Sessions');
  useEffect(() => {
    void sessions.load();
  }, [sessions]);

  // With a real gateway the outbox stays empty unless it is the fallback route; until the
  // settings arrive, show it (the default deployment's only way to see a link).
  const gateways = cfg?.smsGateways;
  const showOutbox =
    can('outbox:read') && (!gateways || gateways.primary === 'outbox' || gateways.fallback === 'outbox');
  return (
    <main id="main" className="page dashboard" tabIndex={-1}>
      {can('session:create') ? <InviteForm /> : <h1>Sessions</h1>}
      <div className={showOutbox ? 'dashboard-grid' : ''}>
        <SessionTable />
        {showOutbox ? <OutboxPanel /> : null}
      </div>
      {can('incident:read') ? <IncidentsPanel /> : null}
    </main>
  );
}
