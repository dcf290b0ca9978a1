import type { TurnSettings } from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';
import { type CreatePeer, gatherRelay, type RelayGathering } from './turn-check.js';

export interface TurnCheckState {
  state: 'idle' | 'running' | 'done' | 'error';
  result: RelayGathering | null;
  error: string | null;
}

export interface TurnSettingsState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  settings: TurnSettings | null;
  error: string | null;
  check: TurnCheckState;
}

/** The TURN settings page: what the server hands out, and "test from this browser". */
export class TurnSettingsStore extends Store<TurnSettingsState> {
  constructor(
    private readonly api: Pick<ApiClient, 'turnSettings' | 'turnCheck'>,
    private readonly createPeer: CreatePeer,
    private readonly timeoutMs = 10_000,
  ) {
    super({
      status: 'idle',
      settings: null,
      error: null,
      check: { state: 'idle', result: null, error: null },
    });
  }

  async load(): Promise<void> {
    this.patch({ status: 'loading', error: null });
    try {
      this.patch({ status: 'ready', settings: await this.api.turnSettings() });
    } catch (err) {
      this.patch({ status: 'error', error: errorMessage(err) });
    }
  }

  /** Gets a credential from the server and tries to open a relay with it from this browser. */
  async runCheck(): Promise<void> {
    if (this.get().check.state === 'running') return;
    this.patch({ check: { state: 'running', result: null, error: null } });
    try {
      const grant = await this.api.turnCheck();
      const result = await gatherRelay(grant.iceServers, this.createPeer, this.timeoutMs);
      this.patch({ check: { state: 'done', result, error: null } });
    } catch (err) {
      this.patch({ check: { state: 'error', result: null, error: errorMessage(err) } });
    }
  }
}

/** One sentence for the check's outcome, as the page says it. */
export function describeCheck(check: TurnCheckState): string {
  if (check.state === 'running') return 'Testing: asking the TURN server for a relay…';
  if (check.state === 'error') return check.error ?? 'The test could not run.';
  if (check.state !== 'done' || !check.result) return '';
  const { relays, errors, complete } = check.result;
  if (relays.length > 0)
    return `Relay candidate obtained (${relays.join(', ')}): callers forced to relay can reach the TURN server from a network like this one.`;
  const refused = errors.find((e) => e.code === 401);
  if (refused)
    return `No relay candidate: the TURN server refused the credential (401 ${refused.text}). Check that its static-auth-secret matches SIGHTLINE_TURN_SECRET.`;
  if (errors.length > 0)
    return `No relay candidate: ${errors.map((e) => `${e.url} answered ${e.code} ${e.text}`.trim()).join('; ')}.`;
  return complete
    ? 'No relay candidate: the TURN server did not answer from this browser (blocked port or wrong address?).'
    : 'No relay candidate in the time allowed: the TURN server did not answer from this browser (blocked port or wrong address?).';
}
