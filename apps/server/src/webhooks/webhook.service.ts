import type {
  WebhookDelivery,
  WebhookDeliveryState,
  WebhookEndpoint,
  WebhookEventType,
  WebhookSecretGrant,
} from '@sightline/protocol';
import { WebhookEndpointInput } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { SecretBox } from '../adapters/keys/secret-box.js';
import type { Random } from '../adapters/random.js';
import type { ApprovalChange, ApprovalService } from '../approvals/approval.service.js';
import { type Actor, type AuditService, SYSTEM } from '../audit/audit.service.js';
import { DomainError, notFound } from '../lib/errors.js';
import { checkWebhookUrl, type UrlPolicy } from './url-guard.js';
import { type EndpointRow, toDelivery, type WebhookRepository } from './webhook.repository.js';

export interface WebhookServiceOptions {
  urls: UrlPolicy;
  /** How long the previous secret keeps signing after a rotation. */
  secretGraceMs: number;
  /** Holds new endpoints, new URLs, more events and re-enabling for a second admin. */
  approvals: Pick<ApprovalService, 'register' | 'request' | 'supersede'>;
}

type Officer = Actor & { type: 'officer' };
/** Why an endpoint is disabled while its creation waits for a second admin. */
const AWAITING = "waiting for a second admin's approval";

/**
 * Admins' webhook endpoints: create, change, rotate the secret, see deliveries, retry dead ones.
 * Every change audited. What widens what leaves the system (a new endpoint, a new URL, more
 * events, re-enabling) applies only once a second admin approves (approvals/); until then the
 * endpoint keeps its old settings, and a new one stays disabled, so no delivery is queued for it.
 * Narrowing, disabling and rotating the secret apply at once.
 */
export class WebhookService {
  constructor(
    private readonly repo: WebhookRepository,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly o: WebhookServiceOptions,
    /** Tells the sender a delivery is due again (manual retry). */
    private readonly nudge: () => void = () => {},
  ) {
    o.approvals.register('webhook', (id, _kind, change) => this.#approved(id, change));
  }

  async list(): Promise<WebhookEndpoint[]> {
    return (await this.repo.endpoints()).map(toEndpoint);
  }

  async create(input: WebhookEndpointInput, actor: Officer, ip: string | null): Promise<WebhookSecretGrant> {
    const v = WebhookEndpointInput.parse(input);
    checkWebhookUrl(v.url, this.o.urls);
    const id = this.random.id();
    const secret = newSecret(this.random);
    const now = this.clock.now();
    await this.repo.insertEndpoint({
      id,
      url: v.url,
      description: v.description,
      events: JSON.stringify(v.events),
      enabled: 0,
      disabled_reason: v.enabled ? AWAITING : 'disabled when created',
      secret_sealed: this.box.seal(secret, context(id)),
      previous_secret_sealed: null,
      previous_secret_until: null,
      secret_rotated_at: null,
      created_by: actor.type === 'officer' ? actor.id : actor.type,
      created_at: now,
      updated_at: now,
    });
    await this.audit.record({
      actor,
      action: 'webhook.create',
      subject: { type: 'webhook', id },
      detail: { url: auditUrl(v.url), events: v.events, enabled: v.enabled },
      ip,
    });
    if (v.enabled) await this.o.approvals.request('webhook', id, 'create', wanted(v), actor, ip);
    return { endpoint: toEndpoint(await this.get(id)), secret };
  }

  /** Narrowing applies at once; the wider part of a change waits for a second admin. */
  async update(
    id: string,
    input: WebhookEndpointInput,
    actor: Officer,
    ip: string | null,
  ): Promise<WebhookEndpoint> {
    const v = WebhookEndpointInput.parse(input);
    const before = await this.get(id);
    checkWebhookUrl(v.url, this.o.urls);
    const wasEnabled = before.enabled === 1;
    const had = JSON.parse(before.events) as WebhookEventType[];
    // What may apply now: the old URL, only events it already had, enabled only if it was.
    const enabled = wasEnabled && v.enabled;
    const events = had.filter((e) => v.events.includes(e));
    const wider =
      v.url !== before.url || v.events.some((e) => !had.includes(e)) || (v.enabled && !wasEnabled);
    const kept =
      wasEnabled || before.disabled_reason === AWAITING ? 'disabled by an admin' : before.disabled_reason;
    await this.repo.updateEndpoint(id, {
      description: v.description,
      events: JSON.stringify(events),
      enabled: enabled ? 1 : 0,
      disabled_reason: enabled ? null : v.enabled ? AWAITING : kept,
      updated_at: this.clock.now(),
    });
    await this.audit.record({
      actor,
      action: 'webhook.update',
      subject: { type: 'webhook', id },
      detail: {
        url: auditUrl(v.url),
        ...(v.url !== before.url ? { previousUrl: auditUrl(before.url) } : {}),
        events: v.events,
        enabled: v.enabled,
        ...(wider ? { awaitingApproval: true } : {}),
      },
      ip,
    });
    // A narrower wish replaces an older, wider request still waiting.
    if (wider) await this.o.approvals.request('webhook', id, 'change', wanted(v), actor, ip);
    else await this.o.approvals.supersede('webhook', id, actor, 'replaced by a narrower change');
    return toEndpoint(await this.get(id));
  }

  /** A second admin approved: the endpoint takes the settings they saw (its URL checked again). */
  async #approved(id: string, change: ApprovalChange): Promise<void> {
    await this.get(id);
    const v = WebhookEndpointInput.parse(change);
    checkWebhookUrl(v.url, this.o.urls);
    await this.repo.updateEndpoint(id, {
      url: v.url,
      description: v.description,
      events: JSON.stringify(v.events),
      enabled: v.enabled ? 1 : 0,
      ...(v.enabled ? { disabled_reason: null } : {}),
      updated_at: this.clock.now(),
    });
    if (v.enabled) this.nudge();
  }

  /** A new secret, shown once; the old one keeps signing too for the grace period. */
  async rotate(id: string, actor: Actor, ip: string | null): Promise<WebhookSecretGrant> {
    const before = await this.get(id);
    const secret = newSecret(this.random);
    const now = this.clock.now();
    const graceUntil = this.o.secretGraceMs > 0 ? now + this.o.secretGraceMs : null;
    await this.repo.updateEndpoint(id, {
      secret_sealed: this.box.seal(secret, context(id)),
      previous_secret_sealed: graceUntil ? before.secret_sealed : null,
      previous_secret_until: graceUntil,
      secret_rotated_at: now,
      updated_at: now,
    });
    await this.audit.record({
      actor,
      action: 'webhook.rotate_secret',
      subject: { type: 'webhook', id },
      detail: { previousSecretUntil: graceUntil },
      ip,
    });
    return { endpoint: toEndpoint(await this.get(id)), secret };
  }

  /** The secrets that sign now: the current one, then the previous one during its grace. */
  secrets(endpoint: EndpointRow): string[] {
    const out: string[] = [];
    const current = this.box.open(endpoint.secret_sealed, context(endpoint.id));
    if (current) out.push(current);
    if (endpoint.previous_secret_sealed && Number(endpoint.previous_secret_until ?? 0) > this.clock.now()) {
      const previous = this.box.open(endpoint.previous_secret_sealed, context(endpoint.id));
      if (previous) out.push(previous);
    }
    if (out.length === 0)
      throw new Error(`webhook ${endpoint.id}: its secret cannot be opened (wrong key directory?)`);
    return out;
  }

  /** The receiver answered 410 Gone: stop sending to it until an admin enables it again. */
  async gone(endpoint: EndpointRow): Promise<void> {
    await this.repo.updateEndpoint(endpoint.id, {
      enabled: 0,
      disabled_reason: 'the receiver answered 410 Gone',
      updated_at: this.clock.now(),
    });
    await this.audit.record({
      actor: SYSTEM,
      action: 'webhook.disable',
      subject: { type: 'webhook', id: endpoint.id },
      detail: { reason: '410 Gone', url: auditUrl(endpoint.url) },
    });
  }

  deliveries(filter: { state?: WebhookDeliveryState; limit: number }): Promise<WebhookDelivery[]> {
    return this.repo.deliveries(filter);
  }

  /** Sends a dead delivery again, with a fresh round of attempts. */
  async retry(deliveryId: string, actor: Actor, ip: string | null): Promise<WebhookDelivery> {
    const row = await this.repo.delivery(deliveryId);
    if (!row) throw notFound('delivery');
    if (!(await this.repo.requeueDead(deliveryId, this.clock.now())))
      throw new DomainError('conflict', `only a dead delivery can be retried (this one is ${row.state})`);
    await this.audit.record({
      actor,
      action: 'webhook.retry',
      subject: { type: 'webhook_delivery', id: deliveryId },
      detail: { endpointId: row.endpoint_id, eventId: row.event_id, eventType: row.event_type },
      ip,
    });
    this.nudge();
    const after = await this.repo.delivery(deliveryId);
    return toDelivery(after ?? row);
  }

  private async get(id: string): Promise<EndpointRow> {
    const row = await this.repo.endpoint(id);
    if (!row) throw notFound('webhook endpoint');
    return row;
  }
}

const context = (id: string) => `webhook:${id}`;
const wanted = (v: ReturnType<typeof WebhookEndpointInput.parse>): ApprovalChange => ({
  url: v.url,
  description: v.description,
  events: v.events,
  enabled: v.enabled,
});
const newSecret = (random: Random) => `whsec_${random.secret(32)}`;

/** The URL without its query or fragment: a receiver may put a token there, and the audit trail keeps everything. */
function auditUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

function toEndpoint(r: EndpointRow): WebhookEndpoint {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    events: JSON.parse(r.events) as WebhookEventType[],
    enabled: r.enabled === 1,
    disabledReason: r.enabled === 1 ? null : r.disabled_reason,
    createdAt: Number(r.created_at),
    secretRotatedAt: n(r.secret_rotated_at),
    previousSecretUntil: n(r.previous_secret_until),
  };
}
