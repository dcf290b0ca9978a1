import type {
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointInput,
  WebhookEventType,
} from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';

type WebhooksApi = Pick<
  ApiClient,
  | 'webhookEndpoints'
  | 'createWebhook'
  | 'updateWebhook'
  | 'rotateWebhookSecret'
  | 'webhookDeliveries'
  | 'retryWebhookDelivery'
>;

/** Every event an endpoint can subscribe to, with how the page names it. */
export const WEBHOOK_EVENTS: ReadonlyArray<{ type: WebhookEventType; label: string }> = [
  { type: 'session.opened', label: 'Link opened' },
  { type: 'session.consented', label: 'Caller consented' },
  { type: 'session.refused', label: 'Caller refused' },
  { type: 'session.live', label: 'Session live' },
  { type: 'session.location', label: 'Location (spaced)' },
  { type: 'session.ended', label: 'Session ended' },
  { type: 'evidence.stored', label: 'Evidence stored' },
  { type: 'export.ready', label: 'Export ready' },
];

/** The endpoint form: a new endpoint (`editing` null) or changes to one. */
export interface WebhookForm {
  editing: string | null;
  url: string;
  description: string;
  events: WebhookEventType[];
}

const EMPTY_FORM: WebhookForm = { editing: null, url: '', description: '', events: [] };

export interface WebhooksState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  endpoints: WebhookEndpoint[];
  /** Recent deliveries, newest first. */
  deliveries: WebhookDelivery[];
  /** Deliveries given up after their last attempt: the dead-letter list. */
  dead: WebhookDelivery[];
  /** The secret just created or rotated, for the endpoint it belongs to: shown once, then forgotten. */
  revealed: { endpointId: string; secret: string } | null;
  /** What the last action said went wrong, for the page's alert. */
  error: string | null;
  busy: boolean;
  form: WebhookForm;
}

/** Admins' webhooks page: endpoints, recent deliveries and the dead-letter list with manual retry. */
export class WebhooksStore extends Store<WebhooksState> {
  constructor(private readonly api: WebhooksApi) {
    super({
      status: 'idle',
      endpoints: [],
      deliveries: [],
      dead: [],
      revealed: null,
      error: null,
      busy: false,
      form: EMPTY_FORM,
    });
  }

  async load(): Promise<void> {
    this.patch({ status: this.get().status === 'ready' ? 'ready' : 'loading' });
    try {
      const [endpoints, deliveries, dead] = await Promise.all([
        this.api.webhookEndpoints(),
        this.api.webhookDeliveries(),
        this.api.webhookDeliveries('dead'),
      ]);
      this.patch({ status: 'ready', endpoints, deliveries, dead });
    } catch (err) {
      this.patch({ status: 'error', error: errorMessage(err) });
    }
  }

  setField(field: 'url' | 'description', value: string): void {
    this.patch({ form: { ...this.get().form, [field]: value } });
  }

  toggleEvent(type: WebhookEventType, on: boolean): void {
    const events = this.get().form.events.filter((e) => e !== type);
    this.patch({ form: { ...this.get().form, events: on ? [...events, type] : events } });
  }

  /** Fills the form with an endpoint's settings, to change them. */
  edit(endpoint: WebhookEndpoint): void {
    const { id, url, description, events } = endpoint;
    this.patch({ form: { editing: id, url, description, events: [...events] }, error: null });
  }

  cancelEdit(): void {
    this.patch({ form: EMPTY_FORM, error: null });
  }

  /** Saves the form: creates an endpoint, or changes the one being edited (keeping its enabled state). */
  async submit(): Promise<boolean> {
    const { editing, url, description, events } = this.get().form;
    if (events.length === 0) {
      this.patch({ error: 'Choose at least one event.' });
      return false;
    }
    const current = this.get().endpoints.find((e) => e.id === editing);
    const ok = current
      ? await this.update(current.id, { url, description, events, enabled: current.enabled })
      : await this.create({ url, description, events });
    if (ok) this.patch({ form: EMPTY_FORM });
    return ok;
  }

  /** Creates an endpoint; true when it was saved (its secret is then in `revealed`). */
  create(input: WebhookEndpointInput): Promise<boolean> {
    return this.act(async () => {
      const grant = await this.api.createWebhook(input);
      this.patch({ revealed: { endpointId: grant.endpoint.id, secret: grant.secret } });
    });
  }

  update(id: string, input: WebhookEndpointInput): Promise<boolean> {
    return this.act(async () => {
      await this.api.updateWebhook(id, input);
    });
  }

  /** Turns an endpoint on or off, keeping everything else as it is. */
  setEnabled(endpoint: WebhookEndpoint, enabled: boolean): Promise<boolean> {
    return this.update(endpoint.id, {
      url: endpoint.url,
      description: endpoint.description,
      events: endpoint.events,
      enabled,
    });
  }

  rotate(id: string): Promise<boolean> {
    return this.act(async () => {
      const grant = await this.api.rotateWebhookSecret(id);
      this.patch({ revealed: { endpointId: id, secret: grant.secret } });
    });
  }

  retry(deliveryId: string): Promise<boolean> {
    return this.act(async () => {
      await this.api.retryWebhookDelivery(deliveryId);
    });
  }

  /** The admin has copied the secret: it is not shown again. */
  dismissSecret(): void {
    this.patch({ revealed: null });
  }

  private async act(fn: () => Promise<void>): Promise<boolean> {
    if (this.get().busy) return false;
    this.patch({ busy: true, error: null });
    try {
      await fn();
      await this.load();
      return true;
    } catch (err) {
      this.patch({ error: errorMessage(err) });
      return false;
    } finally {
      this.patch({ busy: false });
    }
  }
}

/** One line for a delivery's last attempt, as the page shows it. */
export function describeAttempt(d: WebhookDelivery): string {
  if (d.state === 'delivered') return `Delivered after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`;
  if (d.attempts === 0) return 'Not tried yet';
  const answer = d.lastStatus === null ? 'no answer' : `HTTP ${d.lastStatus}`;
  return `${answer}${d.lastError ? `: ${d.lastError}` : ''}`;
}
