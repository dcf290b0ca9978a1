import type { AuditEntry, SystemStatus } from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';

export const AUDIT_LIMIT = 200;

export interface AuditState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  entries: AuditEntry[];
  error: string | null;
  filter: { action: string; subjectId: string };
}

/** The audit trail, newest first, optionally filtered by action or subject. */
export class AuditStore extends Store<AuditState> {
  #seq = 0;

  constructor(private readonly api: Pick<ApiClient, 'audit'>) {
    super({ status: 'idle', entries: [], error: null, filter: { action: '', subjectId: '' } });
  }

  /** Forgets everything (sign-out). */
  reset(): void {
    this.#seq++;
    this.set({ status: 'idle', entries: [], error: null, filter: { action: '', subjectId: '' } });
  }

  setFilter(patch: Partial<AuditState['filter']>): void {
    this.patch({ filter: { ...this.get().filter, ...patch } });
  }

  async load(): Promise<void> {
    const seq = ++this.#seq;
    const { action, subjectId } = this.get().filter;
    this.patch({ status: 'loading', error: null });
    try {
      const entries = await this.api.audit({
        limit: AUDIT_LIMIT,
        ...(action.trim() ? { action: action.trim() } : {}),
        ...(subjectId.trim() ? { subjectId: subjectId.trim() } : {}),
      });
      if (seq !== this.#seq) return;
      this.patch({ status: 'ready', entries: [...entries].sort((a, b) => b.at - a.at) });
    } catch (err) {
      if (seq === this.#seq) this.patch({ status: 'error', error: errorMessage(err) });
    }
  }
}

/** A short, readable form of an audit entry's detail object. */
export function formatAuditDetail(detail: Record<string, unknown> | null): string {
  if (!detail) return '';
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${shortenHashes(typeof v === 'string' ? v : JSON.stringify(v))}`)
    .join('; ');
}

/** SHA-256 hex is unreadable in a table; the first 12 and last 4 digits identify it for a human. */
function shortenHashes(text: string): string {
  return text.replace(/\b([0-9a-f]{12})[0-9a-f]{48}([0-9a-f]{4})\b/g, '$1…$2');
}

export interface SystemState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  data: SystemStatus | null;
  error: string | null;
}

/** Server version and media-plane status, as /api/system/status reports them. */
export class SystemStore extends Store<SystemState> {
  constructor(private readonly api: Pick<ApiClient, 'systemStatus'>) {
    super({ status: 'idle', data: null, error: null });
  }

  reset(): void {
    this.set({ status: 'idle', data: null, error: null });
  }

  async load(): Promise<void> {
    this.patch({ status: this.get().data ? 'ready' : 'loading', error: null });
    try {
      this.patch({ status: 'ready', data: await this.api.systemStatus() });
    } catch (err) {
      this.patch({ status: 'error', error: errorMessage(err) });
    }
  }
}
