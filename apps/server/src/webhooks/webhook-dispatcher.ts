import type { Clock } from '../adapters/clock.js';
import type { Logger } from '../lib/logger.js';
import { type BackoffPolicy, retryDelay } from './backoff.js';
import { checkWebhookUrl, resolveWebhookAddress, type UrlPolicy } from './url-guard.js';
import type { DeliveryRow, EndpointRow, WebhookRepository } from './webhook.repository.js';
import type { SendRequest, SendResult } from './webhook-sender.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from './webhook-signature.js';

export interface DispatcherOptions {
  /** This instance (config.instanceId): the lease owner on the deliveries it is sending. */
  owner: string;
  pollMs: number;
  timeoutMs: number;
  maxAttempts: number;
  backoff: BackoffPolicy;
  urls: UrlPolicy;
}

export interface DispatcherDeps {
  repo: WebhookRepository;
  clock: Clock;
  log: Logger;
  /** The endpoint's signing secrets now: the current one, and the previous during a rotation's grace. */
  secrets(endpoint: EndpointRow): string[];
  send(r: SendRequest): Promise<SendResult>;
  /** The receiver answered 410 Gone: it wants no more (WebhookService disables it, audited). */
  gone(endpoint: EndpointRow): Promise<void>;
}

const BATCH = 20;
/** Endpoints sent to at once by one instance: each endpoint's deliveries go independently of the others'. */
export const ENDPOINTS_AT_ONCE = 8;
/** Beyond the request's own timeout: DNS, and the database write after it. */
const LEASE_MARGIN_MS = 30_000;

/**
 * Sends the outbox: every instance runs one, and each delivery is claimed by compare-and-set
 * (like jobs), so it goes out from one instance at a time; a claim whose instance died lapses and
 * the delivery is tried again (at least once: receivers de-duplicate on the event id).
 * Each endpoint is sent to on its own (up to ENDPOINTS_AT_ONCE at a time), so a receiver that
 * hangs until the timeout delays only its own deliveries. Deliveries of one endpoint and session
 * go one after another in the order they were scheduled; across a failure ordering is best
 * effort (a later event may arrive while an earlier one waits for its retry).
 */
export class WebhookDispatcher {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = true;
  /** Endpoint id → the batch being sent to it now. */
  readonly #sending = new Map<string, Promise<void>>();

  constructor(
    private readonly d: DispatcherDeps,
    private readonly o: DispatcherOptions,
  ) {}

  start(): void {
    this.#stopped = false;
    this.#timer ??= setInterval(() => this.nudge(), this.o.pollMs);
    this.#timer.unref();
    this.nudge();
  }

  /** Stops taking deliveries and waits for those being sent (each bounded by the timeout). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
    await Promise.all(this.#sending.values());
  }

  /** Looks for due deliveries now (an event was just written, an endpoint's batch ended, or the poll came round). */
  nudge(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.drain()
      .catch((err: unknown) => this.d.log.error({ err }, 'webhooks: sending the outbox failed'))
      .finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.nudge();
        }
      });
  }

  /** Starts a batch for each endpoint with due deliveries that is not being sent to yet, up to the cap. */
  private async drain(): Promise<void> {
    while (!this.#stopped && this.#sending.size < ENDPOINTS_AT_ONCE) {
      const due = await this.d.repo.due(this.d.clock.now(), BATCH, [...this.#sending.keys()]);
      if (due.length === 0) return;
      const byEndpoint = new Map<string, DeliveryRow[]>();
      for (const row of due)
        byEndpoint.set(row.endpoint_id, [...(byEndpoint.get(row.endpoint_id) ?? []), row]);
      for (const [endpointId, rows] of byEndpoint) {
        if (this.#sending.size >= ENDPOINTS_AT_ONCE) return;
        const batch = this.sendBatch(rows)
          .catch((err: unknown) =>
            this.d.log.error({ err, endpointId }, 'webhooks: sending to an endpoint failed'),
          )
          .then((sent) => {
            this.#sending.delete(endpointId);
            // More may be waiting for it (or for an endpoint the cap held back); none sent: other instances have them.
            if (sent) this.nudge();
          });
        this.#sending.set(endpointId, batch);
      }
    }
  }

  /** One endpoint's due deliveries: each session's in order, sessions side by side; how many were sent. */
  private async sendBatch(rows: DeliveryRow[]): Promise<number> {
    const lines = new Map<string, DeliveryRow[]>();
    for (const row of rows)
      lines.set(row.session_id ?? '', [...(lines.get(row.session_id ?? '') ?? []), row]);
    let sent = 0;
    await Promise.all(
      [...lines.values()].map(async (line) => {
        for (const row of line) if (await this.attempt(row)) sent++;
      }),
    );
    return sent;
  }

  /** Claims and sends one delivery; false if another instance had it or it changed since it was read. */
  private async attempt(seen: DeliveryRow): Promise<boolean> {
    if (this.#stopped) return false;
    const now = this.d.clock.now();
    // The claimed row, not the one due() read: its attempts and body are the current ones.
    const row = await this.d.repo.claim(seen, this.o.owner, now, now + this.o.timeoutMs + LEASE_MARGIN_MS);
    if (!row) return false;
    const endpoint = await this.d.repo.endpoint(row.endpoint_id);
    const result = endpoint ? await this.post(endpoint, row) : { status: null, excerpt: 'endpoint removed' };
    const at = this.d.clock.now();
    const attempts = Number(row.attempts) + 1;
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    const gone = result.status === 410;
    const dead = !ok && (gone || attempts >= this.o.maxAttempts);
    await this.d.repo.finish(row.id, this.o.owner, {
      state: ok ? 'delivered' : dead ? 'dead' : 'pending',
      attempts,
      last_attempt_at: at,
      last_status: result.status,
      last_error: ok ? null : result.excerpt,
      delivered_at: ok ? at : null,
      next_attempt_at: ok || dead ? null : at + retryDelay(attempts, this.o.backoff),
    });
    if (!ok)
      this.d.log.warn(
        { deliveryId: row.id, endpointId: row.endpoint_id, status: result.status, attempts, dead },
        dead ? 'webhooks: delivery given up (dead letter)' : 'webhooks: delivery failed; will retry',
      );
    if (gone && endpoint) await this.d.gone(endpoint);
    return true;
  }

  private async post(endpoint: EndpointRow, row: DeliveryRow): Promise<SendResult> {
    try {
      const url = checkWebhookUrl(endpoint.url, this.o.urls);
      const address = await resolveWebhookAddress(url, this.o.urls);
      // Signed at each attempt: the timestamp must be fresh for the receiver's replay window.
      const t = Math.floor(this.d.clock.now() / 1000);
      return await this.d.send({
        url,
        address,
        body: row.body,
        timeoutMs: this.o.timeoutMs,
        headers: {
          [SIGNATURE_HEADER]: signatureHeader(this.d.secrets(endpoint), t, row.body),
          [EVENT_ID_HEADER]: row.event_id,
        },
      });
    } catch (err) {
      return { status: null, excerpt: (err instanceof Error ? err.message : String(err)).slice(0, 200) };
    }
  }
}
