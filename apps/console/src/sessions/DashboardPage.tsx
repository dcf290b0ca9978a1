import { useEffect } from 'react';
import { useApp, useCan } from '../app/context.js';
import { usePageTitle } from '../app/use-page-title.js';
import { InviteForm } from '../invites/InviteForm.js';
import { OutboxPanel } from '../outbox/OutboxPanel.js';
import { SessionTable } from './SessionTable.js';

/** Home for call handlers: send a link first, then the live session list and the outbox. */
export function DashboardPage() {
  const { sessions } = useApp();
  const can = useCan();
  usePageTitle('Sessions');
  useEffect(() => {
    void sessions.load();
  }, [sessions]);

  const showOutbox = can('outbox:read');
  return (
    <main id="main" className="page dashboard" tabIndex={-1}>
      {can('session:create') ? <InviteForm /> : <h1>Sessions</h1>}
      <div className={showOutbox ? 'dashboard-grid' : ''}>
        <SessionTable />
        {showOutbox ? <OutboxPanel /> : null}
      </div>
    </main>
  );
}
