import type { IntegrationApproval, IntegrationApprovalKind } from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';

export interface ApprovalsState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** Pending requests of this kind that another admin made: the ones this admin may decide. */
  waiting: IntegrationApproval[];
  /** How many of this admin's own requests wait for someone else (they cannot decide them). */
  mine: number;
  busy: boolean;
  error: string | null;
  notice: string | null;
}

type Api = Pick<ApiClient, 'integrationApprovals' | 'decideIntegration'>;

/**
 * "Waiting for a second admin" on the API clients and Webhooks pages. The server refuses an admin
 * approving their own request; this list does not offer it, and names what is approved.
 */
export class ApprovalsStore extends Store<ApprovalsState> {
  constructor(
    private readonly api: Api,
    private readonly kind: IntegrationApprovalKind,
    /** The signed-in admin's id. */
    private readonly me: () => string | null,
  ) {
    super({ status: 'idle', waiting: [], mine: 0, busy: false, error: null, notice: null });
  }

  async load(): Promise<void> {
    this.patch({ status: 'loading', error: null });
    try {
      this.patch({ status: 'ready', ...(await this.fetch()) });
    } catch (err) {
      this.patch({ status: 'error', error: errorMessage(err) });
    }
  }

  /** Approves or refuses a request; false (with the reason in `error`) if no reason was given. */
  async decide(a: IntegrationApproval, decision: 'approve' | 'refuse', reason: string): Promise<boolean> {
    if (this.get().busy) return false;
    if (reason.trim().length < 3) {
      this.patch({ error: 'Say why (at least 3 characters): it goes in the audit trail.', notice: null });
      return false;
    }
    this.patch({ busy: true, error: null, notice: null });
    try {
      await this.api.decideIntegration(a.id, decision, reason.trim());
      const done = decision === 'approve' ? 'Approved' : 'Refused';
      this.patch({ busy: false, notice: `${done}: ${describeApproval(a)}.`, ...(await this.fetch()) });
      return true;
    } catch (err) {
      this.patch({ busy: false, error: errorMessage(err) });
      return false;
    }
  }

  private async fetch(): Promise<Pick<ApprovalsState, 'waiting' | 'mine'>> {
    const me = this.me();
    const pending = (await this.api.integrationApprovals()).filter(
      (a) => a.kind === this.kind && a.state === 'pending',
    );
    return {
      waiting: pending.filter((a) => a.requestedById !== me),
      mine: pending.filter((a) => a.requestedById === me).length,
    };
  }
}

const CHANGES: Record<IntegrationApproval['change'], string> = {
  create: 'new',
  enable: 'enable again',
  scopes: 'wider scopes',
  change: 'change',
};

/** What the approver lets out, in words: name and scopes, or URL host and events. */
export function describeApproval(a: IntegrationApproval): string {
  const what =
    a.kind === 'api-client' ? `API client “${a.name}”` : `webhook to ${a.urlHost ?? 'an unknown host'}`;
  const items = a.kind === 'api-client' ? a.scopes : a.events;
  return `${what} (${CHANGES[a.change]}): ${(items ?? []).join(', ') || 'nothing'}`;
}
