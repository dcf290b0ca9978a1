import type { IncidentSummary, SessionSummary } from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';

export interface AddToIncidentState {
  /** The chosen incident's id ('' until one is chosen). */
  choice: string;
  sending: boolean;
  error: string | null;
}

/**
 * "Add this session to an incident" on the session page: choose an open incident and add (moving
 * it out of the one it is in, if any), or take it out. The server audits each change.
 */
export class AddToIncident extends Store<AddToIncidentState> {
  constructor(
    private readonly sessionId: string,
    private readonly api: Pick<ApiClient, 'addToIncident' | 'removeFromIncident'>,
    private readonly onSession: (s: SessionSummary) => void = () => {},
  ) {
    super({ choice: '', sending: false, error: null });
  }

  choose(choice: string): void {
    this.patch({ choice, error: null });
  }

  async add(): Promise<IncidentSummary | null> {
    const { choice, sending } = this.get();
    if (sending) return null;
    if (!choice) {
      this.patch({ error: 'Choose an incident first.' });
      return null;
    }
    this.patch({ sending: true, error: null });
    try {
      const incident = await this.api.addToIncident(choice, this.sessionId);
      this.patch({ sending: false, choice: '' });
      return incident;
    } catch (err) {
      this.patch({ sending: false, error: errorMessage(err) });
      return null;
    }
  }

  async remove(): Promise<boolean> {
    if (this.get().sending) return false;
    this.patch({ sending: true, error: null });
    try {
      this.onSession(await this.api.removeFromIncident(this.sessionId));
      this.patch({ sending: false });
      return true;
    } catch (err) {
      this.patch({ sending: false, error: errorMessage(err) });
      return false;
    }
  }
}
