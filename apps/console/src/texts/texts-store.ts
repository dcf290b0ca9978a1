import type { TextDelivery, TextList, TextRoute } from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { answerMayBeLost } from '../invites/invite-form.js';
import { Store } from '../lib/store.js';

export interface TextsState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  texts: TextDelivery[];
  gateways: TextList['gateways'] | null;
  /** The route a resend is going by, while it is. */
  sending: TextRoute | null;
  error: string | null;
  /** What the last resend did, for a polite announcement. */
  notice: string | null;
}

const INITIAL: TextsState = {
  status: 'idle',
  texts: [],
  gateways: null,
  sending: null,
  error: null,
  notice: null,
};

/**
 * One session's texts and resends. Each press of a resend button carries an idempotency key;
 * a press whose answer was lost (network) keeps its key, so pressing again cannot send twice.
 */
export class TextsStore extends Store<TextsState> {
  #seq = 0;
  #pending: { route: TextRoute; key: string } | null = null;

  constructor(
    private readonly api: Pick<ApiClient, 'texts' | 'resendText'>,
    private readonly sessionId: string,
    private readonly newKey: () => string = () => crypto.randomUUID(),
  ) {
    super(INITIAL);
  }

  async load(): Promise<void> {
    const seq = ++this.#seq;
    if (this.get().status !== 'ready') this.patch({ status: 'loading' });
    try {
      const list = await this.api.texts(this.sessionId);
      if (seq === this.#seq)
        this.patch({ status: 'ready', texts: list.texts, gateways: list.gateways, error: null });
    } catch (err) {
      if (seq === this.#seq) this.patch({ status: 'error', error: errorMessage(err) });
    }
  }

  /** Sends the link again by `route`; resolves true when the server took the press. */
  async resend(route: TextRoute): Promise<boolean> {
    if (this.get().sending) return false;
    const key = this.#pending?.route === route ? this.#pending.key : this.newKey();
    this.#pending = { route, key };
    this.patch({ sending: route, error: null, notice: null });
    try {
      const { text } = await this.api.resendText(this.sessionId, route, key);
      this.#pending = null;
      this.patch({ sending: null, notice: `Text ${text.attempt} is on its way.` });
      await this.load();
      return true;
    } catch (err) {
      // Only a lost answer keeps the key: the server may have sent it, and a second press must not send again.
      if (!answerMayBeLost(err)) this.#pending = null;
      this.patch({ sending: null, error: errorMessage(err) });
      return false;
    }
  }

  reset(): void {
    this.#seq++;
    this.#pending = null;
    this.set(INITIAL);
  }
}
