import { type ServerToConsole, SHARE_DEFAULT_SECONDS, type Share } from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';

/** The durations offered, in seconds: 5 minutes to 12 hours (the server enforces the same bounds). */
export const DURATIONS: ReadonlyArray<{ seconds: number; label: string }> = [
  { seconds: 5 * 60, label: '5 minutes' },
  { seconds: 15 * 60, label: '15 minutes' },
  { seconds: 30 * 60, label: '30 minutes' },
  { seconds: 60 * 60, label: '1 hour' },
  { seconds: 2 * 3600, label: '2 hours' },
  { seconds: 4 * 3600, label: '4 hours' },
  { seconds: 8 * 3600, label: '8 hours' },
  { seconds: 12 * 3600, label: '12 hours' },
];

export interface SharePanelState {
  status: 'loading' | 'ready' | 'error';
  officers: { id: string; name: string }[];
  shares: Share[];
  selected: string[];
  durationSeconds: number;
  busy: boolean;
  error: string | null;
  /** Said after a change, for the live region. */
  notice: string | null;
}

/** Whether a share still gives access at `now`. */
export const isLive = (s: Share, now: number) => s.endedAt === null && s.expiresAt > now;

/** What the panel shares: one session, or an incident (every session in it, now and later). */
export type ShareTarget = { sessionId: string } | { incidentId: string };

type ShareApi = Pick<
  ApiClient,
  'fieldOfficers' | 'shares' | 'createShares' | 'incidentShares' | 'createIncidentShares' | 'revokeShare'
>;

/**
 * The control room's side of sharing one session or incident: the field officers to choose
 * from, its shares (live and ended) and the form. Reloads when the server says a share of it
 * changed (created elsewhere, revoked, expired).
 */
export class SharePanelStore {
  readonly state = new Store<SharePanelState>({
    status: 'loading',
    officers: [],
    shares: [],
    selected: [],
    durationSeconds: SHARE_DEFAULT_SECONDS,
    busy: false,
    error: null,
    notice: null,
  });
  #off: (() => void) | null = null;

  constructor(
    readonly target: ShareTarget,
    private readonly api: ShareApi,
  ) {}

  connect(socket: Pick<ConsoleSocket, 'onMessage'>): void {
    this.#off = socket.onMessage((m: ServerToConsole) => {
      if (m.type !== 'share.changed') return;
      const ours =
        'sessionId' in this.target
          ? m.sessionId === this.target.sessionId
          : m.incidentId === this.target.incidentId;
      if (ours) void this.reload();
    });
  }

  private list(): Promise<Share[]> {
    return 'sessionId' in this.target
      ? this.api.shares(this.target.sessionId)
      : this.api.incidentShares(this.target.incidentId);
  }

  async load(): Promise<void> {
    try {
      const [officers, shares] = await Promise.all([this.api.fieldOfficers(), this.list()]);
      this.state.patch({ status: 'ready', officers, shares, error: null });
    } catch (err) {
      this.state.patch({ status: 'error', error: errorMessage(err) });
    }
  }

  private async reload(): Promise<void> {
    try {
      this.state.patch({ shares: await this.list() });
    } catch {
      // The next change or a page reload tries again; the list on screen stays as it was.
    }
  }

  toggle(officerId: string, on: boolean): void {
    const sel = this.state.get().selected.filter((id) => id !== officerId);
    this.state.patch({ selected: on ? [...sel, officerId] : sel });
  }

  setDuration(seconds: number): void {
    this.state.patch({ durationSeconds: seconds });
  }

  async share(): Promise<void> {
    const st = this.state.get();
    if (st.busy) return;
    if (st.selected.length === 0) {
      this.state.patch({ error: 'Choose at least one field officer.' });
      return;
    }
    this.state.patch({ busy: true, error: null, notice: null });
    try {
      const made =
        'sessionId' in this.target
          ? await this.api.createShares(this.target.sessionId, st.selected, st.durationSeconds)
          : await this.api.createIncidentShares(this.target.incidentId, st.selected, st.durationSeconds);
      const names = made.map((s) => s.officer.name).join(', ');
      this.state.patch({ selected: [], notice: `Shared with ${names}.` });
      await this.reload();
    } catch (err) {
      this.state.patch({ error: errorMessage(err) });
    } finally {
      this.state.patch({ busy: false });
    }
  }

  async revoke(shareId: string): Promise<void> {
    this.state.patch({ busy: true, error: null, notice: null });
    try {
      const s = await this.api.revokeShare(shareId);
      this.state.patch({ notice: `Stopped sharing with ${s.officer.name}.` });
      await this.reload();
    } catch (err) {
      this.state.patch({ error: errorMessage(err) });
    } finally {
      this.state.patch({ busy: false });
    }
  }

  dispose(): void {
    this.#off?.();
    this.#off = null;
  }
}
