import type { IntegrationApproval, IntegrationApprovalKind } from '@sightline/protocol';
import { IntegrationApproval as Schema } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Random } from '../adapters/random.js';
import type { AuditService } from '../audit/audit.service.js';
import { DomainError, forbidden, notFound } from '../lib/errors.js';
import type { ApprovalRepository, ApprovalRow } from './approval.repository.js';

type Officer = { type: 'officer'; id: string; name: string };
export type ChangeKind = IntegrationApproval['change'];
/** What applies on approval: a client's name and scopes, or an endpoint's settings. */
export type ApprovalChange = {
  name?: string;
  scopes?: string[];
  description?: string;
  url?: string;
  events?: string[];
  enabled?: boolean;
};
/** Applies an approved change to its subject (the API client or webhook service). */
export type Applier = (subjectId: string, changeKind: ChangeKind, change: ApprovalChange) => Promise<void>;

/**
 * Second-admin approval for changes that widen what leaves the system (docs/security.md): a
 * request waits until an admin other than its requester approves it, like role grants
 * (officers/role-grants.ts). One request per subject at a time: a newer one supersedes it, so
 * the approver always sees the current wish. Every request and decision is audited.
 */
export class ApprovalService {
  readonly #appliers = new Map<IntegrationApprovalKind, Applier>();

  constructor(
    private readonly repo: ApprovalRepository,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly audit: Pick<AuditService, 'record'>,
  ) {}

  /** The API client and webhook services say how their approved changes apply. */
  register(kind: IntegrationApprovalKind, apply: Applier): void {
    this.#appliers.set(kind, apply);
  }

  async list(): Promise<IntegrationApproval[]> {
    return (await this.repo.list()).map(toApproval);
  }

  /** Holds a change for a second admin, superseding the subject's older request. */
  async request(
    kind: IntegrationApprovalKind,
    subjectId: string,
    changeKind: ChangeKind,
    change: ApprovalChange,
    by: Officer,
    ip: string | null,
  ): Promise<IntegrationApproval> {
    await this.supersede(kind, subjectId, by, 'replaced by a newer request');
    const id = this.random.id();
    await this.repo.insert({
      id,
      kind,
      subject_id: subjectId,
      change_kind: changeKind,
      change: JSON.stringify(change),
      requested_at: this.clock.now(),
      requested_by: by.id,
      requested_by_name: by.name,
      state: 'pending',
      decided_at: null,
      decided_by: null,
      decided_by_name: null,
      decision_reason: null,
    });
    const approval = await this.get(id);
    await this.record(by, 'integration.approval_requested', approval, ip);
    return approval;
  }

  /** Drops the subject's pending request (a newer or narrower change replaced it). */
  async supersede(kind: IntegrationApprovalKind, subjectId: string, by: Officer, why: string): Promise<void> {
    const old = await this.repo.pendingFor(kind, subjectId);
    if (old) await this.repo.decide(old.id, 'superseded', this.clock.now(), by, why);
  }

  pendingFor(kind: IntegrationApprovalKind, subjectId: string): Promise<ApprovalRow | undefined> {
    return this.repo.pendingFor(kind, subjectId);
  }

  /** A second admin's approval: the change applies. The requester may not approve their own. */
  async approve(id: string, reason: string, by: Officer, ip: string | null): Promise<IntegrationApproval> {
    const before = await this.get(id);
    if (before.requestedById === by.id) {
      await this.record(by, 'integration.approval_refused', before, ip, { why: 'own request' });
      throw forbidden('a second admin must approve a change you asked for');
    }
    const row = await this.decide(before, 'approved', reason, by);
    const apply = this.#appliers.get(before.kind);
    if (!apply) throw new Error(`no applier registered for ${before.kind} approvals`);
    await apply(row.subject_id, before.change, JSON.parse(row.change) as ApprovalChange);
    const after = await this.get(id);
    await this.record(by, 'integration.approved', after, ip, { reason });
    return after;
  }

  /** Turns a request down (or, by its requester, withdraws it); the change never applies. */
  async refuse(id: string, reason: string, by: Officer, ip: string | null): Promise<IntegrationApproval> {
    await this.decide(await this.get(id), 'refused', reason, by);
    const after = await this.get(id);
    await this.record(by, 'integration.refused', after, ip, { reason });
    return after;
  }

  private async decide(
    a: IntegrationApproval,
    state: 'approved' | 'refused',
    reason: string,
    by: Officer,
  ): Promise<ApprovalRow> {
    if (a.state !== 'pending') throw new DomainError('conflict', `this request is already ${a.state}`);
    if (!(await this.repo.decide(a.id, state, this.clock.now(), by, reason)))
      throw new DomainError('conflict', 'this request was decided meanwhile');
    return (await this.repo.get(a.id))!;
  }

  private async get(id: string): Promise<IntegrationApproval> {
    const row = await this.repo.get(id);
    if (!row) throw notFound('approval request');
    return toApproval(row);
  }

  private async record(
    by: Officer,
    action: string,
    a: IntegrationApproval,
    ip: string | null,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    await this.audit.record({
      actor: by,
      action,
      subject: { type: a.kind, id: a.subjectId },
      detail: {
        approvalId: a.id,
        change: a.change,
        requestedBy: { id: a.requestedById, name: a.requestedByName },
        name: a.name,
        ...(a.scopes ? { scopes: a.scopes } : {}),
        ...(a.urlHost ? { urlHost: a.urlHost, events: a.events } : {}),
        ...extra,
      },
      ip,
    });
  }
}

/** The URL's host only: the path or query may carry the receiver's token. */
function hostOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

function toApproval(r: ApprovalRow): IntegrationApproval {
  const c = JSON.parse(r.change) as ApprovalChange;
  const n = (v: number | null) => (v === null ? null : Number(v));
  return Schema.parse({
    id: r.id,
    kind: r.kind,
    subjectId: r.subject_id,
    name: c.name ?? c.description ?? '',
    change: r.change_kind,
    scopes: c.scopes ?? null,
    urlHost: hostOf(c.url),
    events: c.events ?? null,
    requestedAt: Number(r.requested_at),
    requestedById: r.requested_by,
    requestedByName: r.requested_by_name,
    state: r.state,
    decidedAt: n(r.decided_at),
    decidedById: r.decided_by,
    decidedByName: r.decided_by_name,
    decisionReason: r.decision_reason,
  });
}
