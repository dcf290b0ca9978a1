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
/** Beyond the request's own timeout: DNS, and the database write after it. */
const LEASE_MARGIN_MS = 30_000;

/**
 * Sends the outbox: every instance runs one, and each delivery is claimed by compare-and-set
 * (like jobs), so it goes out from one instance at a time; a claim whose instance died lapses and
 * the delivery is tried again (at least once: receivers de-duplicate on the event id).
 * Deliveries of one endpoint and session go one after another, oldest first; across a failure
 * ordering is best effort (a later event may arrive while an earlier one waits for its retry).
 */
export class WebhookDispatcher {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = true;

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
  }

  /** Looks for due deliveries now (an event was just written, or the poll came round). */
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

  private async drain(): Promise<void> {
    while (!this.#stopped) {
      const due = await this.d.repo.due(this.d.clock.now(), BATCH);
      if (due.length === 0) return;
      const lines = new Map<string, DeliveryRow[]>();
      for (const row of due) {
        const key = `${row.endpoint_id}/${row.session_id}`;
        lines.set(key, [...(lines.get(key) ?? []), row]);
      }
      let sent = 0;
      await Promise.all(
        [...lines.values()].map(async (rows) => {
          for (const row of rows) if (await this.attempt(row)) sent++;
        }),
      );
      if (sent === 0) return; // all taken by other instances meanwhile
    }
  }

  /** Claims and sends one delivery; false if another instance had it. */
  private async attempt(row: DeliveryRow): Promise<boolean> {
    if (this.#stopped) return false;
    const now = this.d.clock.now();
    if (!(await this.d.repo.claim(row, this.o.owner, now, now + this.o.timeoutMs + LEASE_MARGIN_MS)))
      return false;
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
