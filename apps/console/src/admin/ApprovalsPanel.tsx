import type { IntegrationApprovalKind } from '@sightline/protocol';
import { useEffect, useMemo, useState } from 'react';
import { useApp } from '../app/context.js';
import { formatDateTime } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { ApprovalsStore, describeApproval } from './approvals-store.js';

const DECISIONS = [
  ['approve', 'Approve', 'btn-primary'],
  ['refuse', 'Refuse', 'btn-danger'],
] as const;

/**
 * "Waiting for a second admin": other admins' new or widened API clients or webhooks, with what
 * each would let out, to approve or refuse. An admin's own requests are not offered to them.
 */
export function ApprovalsPanel(props: { kind: IntegrationApprovalKind; onDecided: () => void }) {
  const { api, auth } = useApp();
  const me = useStore(auth).auth?.officer.id ?? null;
  const store = useMemo(() => new ApprovalsStore(api, props.kind, () => me), [api, props.kind, me]);
  const { waiting, mine, busy, error, notice } = useStore(store);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  useEffect(() => {
    void store.load();
  }, [store]);
  const decide = async (id: string, decision: 'approve' | 'refuse') => {
    const a = waiting.find((x) => x.id === id);
    if (a && (await store.decide(a, decision, reasons[id] ?? ''))) props.onDecided();
  };
  const title = `${props.kind}-approvals-title`;

  return (
    <section className="card" aria-labelledby={title} data-testid={`${props.kind}-approvals`}>
      <h2 id={title}>Waiting for a second admin</h2>
      <p role="status" className="notice-slot">
        {notice}
      </p>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {waiting.length === 0 ? <p className="muted">Nothing from another admin is waiting.</p> : null}
      {mine > 0 ? (
        <p className="muted">
          {mine === 1 ? 'One request of yours waits' : `${mine} requests of yours wait`} for another admin.
        </p>
      ) : null}
      <ul className="grant-list">
        {waiting.map((a) => (
          <li key={a.id} data-testid="integration-approval">
            <p>
              <strong>{describeApproval(a)}</strong>, asked by {a.requestedByName} at{' '}
              {formatDateTime(a.requestedAt)}
            </p>
            <div className="field">
              <label htmlFor={`approval-reason-${a.id}`}>Reason</label>
              <input
                id={`approval-reason-${a.id}`}
                type="text"
                value={reasons[a.id] ?? ''}
                onChange={(e) => setReasons((r) => ({ ...r, [a.id]: e.target.value }))}
              />
            </div>
            <div className="row-actions">
              {DECISIONS.map(([decision, label, style]) => (
                <button
                  key={decision}
                  type="button"
                  className={`btn ${style} btn-small`}
                  disabled={busy}
                  onClick={() => void decide(a.id, decision)}
                >
                  {label}
                </button>
              ))}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
