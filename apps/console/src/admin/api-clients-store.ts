import {
  API_DEFAULT_RATE_PER_MINUTE,
  type ApiClientKey,
  type ApiScope,
  type ApiClient as MachineClient,
} from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';

export interface ApiClientsState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  clients: MachineClient[];
  busy: boolean;
  error: string | null;
  /** What the last change did, in words (spoken by a status region). */
  notice: string | null;
  /** A key just made, shown once until the admin says it is saved; never kept anywhere else. */
  revealed: { clientId: string; name: string; key: string } | null;
}

type Api = Pick<ApiClient, 'apiClients' | 'createApiClient' | 'rotateApiClient' | 'apiClientAction'>;

/** The admin's "API clients" page: the CAD systems let into /api/v1, their scopes, limits and keys. */
export class ApiClientsStore extends Store<ApiClientsState> {
  constructor(private readonly api: Api) {
    super({ status: 'idle', clients: [], busy: false, error: null, notice: null, revealed: null });
  }

  async load(): Promise<void> {
    this.patch({ status: 'loading', error: null });
    try {
      this.patch({ status: 'ready', clients: await this.api.apiClients() });
    } catch (err) {
      this.patch({ status: 'error', error: errorMessage(err) });
    }
  }

  /** Creates a client and reveals its key. False (with the reason in `error`) if the form is incomplete. */
  async create(name: string, scopes: readonly ApiScope[], ratePerMinute: number): Promise<boolean> {
    const problem = !name.trim()
      ? 'Name the system (for example, the CAD’s name).'
      : scopes.length === 0
        ? 'Choose at least one scope.'
        : !Number.isInteger(ratePerMinute) || ratePerMinute < 1 || ratePerMinute > 6000
          ? 'The limit is a whole number of requests a minute, from 1 to 6000.'
          : null;
    if (problem) {
      this.patch({ error: problem, notice: null });
      return false;
    }
    return this.change(
      () => this.api.createApiClient({ name: name.trim(), scopes: [...scopes], ratePerMinute }),
      (k) =>
        `Created ${k.client.name}. Copy its key now: it is not shown again. It works once another admin approves it.`,
    );
  }

  /** Replaces the client's key; the old one, and tokens got with it, stop working at once. */
  rotate(client: MachineClient): Promise<boolean> {
    return this.change(
      () => this.api.rotateApiClient(client.id),
      () => `New key for ${client.name}; the old key no longer works. Copy the new one now.`,
    );
  }

  revoke(client: MachineClient): Promise<boolean> {
    return this.change(
      () => this.api.apiClientAction(client.id, 'revoke'),
      () => `Key revoked: ${client.name} can no longer call the API until given a new key.`,
    );
  }

  setDisabled(client: MachineClient, disabled: boolean): Promise<boolean> {
    return this.change(
      () => this.api.apiClientAction(client.id, disabled ? 'disable' : 'enable'),
      () =>
        disabled
          ? `${client.name} is disabled.`
          : `${client.name} will work again once another admin approves it.`,
    );
  }

  /** The admin has stored the key: it leaves the screen for good. */
  dismissKey(): void {
    this.patch({ revealed: null });
  }

  private async change<T>(call: () => Promise<T>, done: (result: T) => string): Promise<boolean> {
    if (this.get().busy) return false;
    this.patch({ busy: true, error: null, notice: null });
    try {
      const result = await call();
      const key = isKey(result)
        ? { clientId: result.clientId, name: result.client.name, key: result.key }
        : null;
      this.patch({
        busy: false,
        notice: done(result),
        clients: await this.api.apiClients(),
        ...(key ? { revealed: key } : {}),
      });
      return true;
    } catch (err) {
      this.patch({ busy: false, error: errorMessage(err) });
      return false;
    }
  }
}

const isKey = (v: unknown): v is ApiClientKey => typeof v === 'object' && v !== null && 'key' in v;

export const STATUS_LABELS: Record<MachineClient['status'], string> = {
  active: 'Active',
  'key-revoked': 'Key revoked',
  disabled: 'Disabled',
  'pending-approval': 'Waiting for a second admin',
};

export { API_DEFAULT_RATE_PER_MINUTE };
