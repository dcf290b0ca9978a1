import {
  type AccountChangeResult,
  type CreateOfficerRequest,
  type OfficerAccount,
  type OfficerView,
  Role,
  type RoleGrant,
} from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { OfficersTable } from '../adapters/db/schema.js';
import type { Random } from '../adapters/random.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { EventPublisher } from '../events/event-bus.js';
import { DomainError, forbidden, notFound } from '../lib/errors.js';
import { hashPassword } from './password.js';
import { assertStrongPassword } from './password-rules.js';
import { RoleGrantRepository } from './role-grants.js';

/** Who changes an account: an admin over HTTP, or the server's CLI (break-glass: whoever has a shell on the server). */
export type AccountActor = Extract<Actor, { type: 'officer' | 'system' }>;

/**
 * Officer accounts: local users with argon2id passwords and one or more roles.
 *
 * Two-person rule: an admin never adds a role on their own. Roles an admin asks
 * for (at creation, as a change, or to restore them after a password reset) wait
 * as a pending grant until a second admin, neither the requester nor the subject,
 * approves. Admin is included, or one admin could make a second admin account
 * and approve their own requests with it. Removing roles, disabling and enabling
 * apply at once. The CLI is the audited break-glass path and applies directly.
 */
export class OfficerService {
  readonly #grants: RoleGrantRepository;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly audit: AuditService,
    /** `officer.signedOut` (disabled, password reset) and `officer.rolesChanged` close open consoles. */
    private readonly events: EventPublisher,
  ) {
    this.#grants = new RoleGrantRepository(db);
  }

  /** Creates an account; roles asked for by an admin wait for a second admin (see the class comment). */
  async create(input: CreateOfficerRequest, by: AccountActor): Promise<OfficerAccount> {
    const existing = await this.db
      .selectFrom('officers')
      .select('id')
      .where('username', '=', input.username)
      .executeTakeFirst();
    if (existing)
      throw new DomainError('conflict', `username "${input.username}" is taken`, { username: 'taken' });
    assertStrongPassword(input.password, input);
    const wanted = [...new Set(input.roles)];
    const row: OfficersTable = {
      id: this.random.id(),
      username: input.username,
      display_name: input.displayName,
      password_hash: await hashPassword(input.password),
      roles: JSON.stringify(by.type === 'system' ? wanted : []),
      created_at: this.clock.now(),
      disabled_at: null,
      last_login_at: null,
    };
    await this.db.insertInto('officers').values(row).execute();
    const account = toAccount(row);
    await this.audit.record({
      actor: by,
      action: 'officer.create',
      subject: { type: 'officer', id: row.id },
      detail: {
        username: row.username,
        roles: account.roles,
        ...(by.type === 'system' ? { breakGlass: true } : { requested: wanted }),
      },
    });
    if (by.type === 'officer' && wanted.length)
      await this.requestGrant(row.id, wanted, input.reason ?? 'new account', by);
    return account;
  }

  /** Every account, disabled ones included (admins enable them again from the list). */
  async list(): Promise<OfficerAccount[]> {
    const rows = await this.db.selectFrom('officers').selectAll().orderBy('username').execute();
    return rows.map(toAccount);
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('officers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async findByUsername(username: string): Promise<OfficersTable | undefined> {
    return this.db.selectFrom('officers').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async findById(id: string): Promise<OfficersTable | undefined> {
    return this.db.selectFrom('officers').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The grant waiting for approval for this officer, if any. */
  async pendingGrant(officerId: string): Promise<RoleGrant | null> {
    return (await this.#grants.pendingFor(officerId)) ?? null;
  }

  /** Pending grants first, then recent decisions. */
  grants(): Promise<RoleGrant[]> {
    return this.#grants.list();
  }

  /** Stops the account signing in and ends every sign-in it has. */
  async disable(id: string, reason: string, by: AccountActor): Promise<OfficerAccount> {
    if (by.type === 'officer' && by.id === id) throw forbidden('you cannot disable your own account');
    const row = await this.require(id);
    if (row.disabled_at !== null) return toAccount(row);
    if (rolesOf(row).includes('admin')) await this.assertAnotherAdmin(id);
    const now = this.clock.now();
    await this.db.updateTable('officers').set({ disabled_at: now }).where('id', '=', id).execute();
    await this.revokeSessions(id);
    await this.record(by, 'officer.disable', id, { reason });
    this.events.publish('officer.signedOut', { officerId: id, reason: 'account disabled' });
    return toAccount({ ...row, disabled_at: now });
  }

  async enable(id: string, reason: string, by: AccountActor): Promise<OfficerAccount> {
    const row = await this.require(id);
    if (row.disabled_at === null) return toAccount(row);
    await this.db.updateTable('officers').set({ disabled_at: null }).where('id', '=', id).execute();
    await this.record(by, 'officer.enable', id, { reason });
    return toAccount({ ...row, disabled_at: null });
  }

  /**
   * Sets an account's roles. Removals apply at once; additions by an admin become a
   * pending grant, and an admin asking for roles for themselves is refused outright.
   */
  async setRoles(id: string, roles: Role[], reason: string, by: AccountActor): Promise<AccountChangeResult> {
    const row = await this.require(id);
    const current = rolesOf(row);
    const wanted = [...new Set(roles)];
    const added = wanted.filter((r) => !current.includes(r));
    const removed = current.filter((r) => !wanted.includes(r));
    if (by.type === 'officer' && by.id === id) {
      if (added.length) {
        await this.record(by, 'officer.grant_refused', id, { roles: added, reason, why: 'self-grant' });
        throw forbidden('you cannot give yourself roles: another admin must ask, and a third approve');
      }
      if (removed.includes('admin')) throw forbidden('another admin must remove your admin role');
    }
    if (removed.includes('admin') && row.disabled_at === null) await this.assertAnotherAdmin(id);
    const next = by.type === 'system' ? wanted : current.filter((r) => !removed.includes(r));
    let account = toAccount(row);
    if (next.join() !== current.join()) account = await this.applyRoles(row, next, reason, by);
    const grant =
      by.type === 'officer' && added.length ? await this.requestGrant(id, added, reason, by) : null;
    return { officer: account, grant: grant ?? (await this.pendingGrant(id)) };
  }

  /** Puts the officer in a team (null: none); links they send from now on count for it in the take-up report. */
  async setTeam(
    id: string,
    team: string | null,
    reason: string,
    by: AccountActor,
  ): Promise<AccountChangeResult> {
    const row = await this.require(id);
    if (row.team !== team) {
      await this.db.updateTable('officers').set({ team }).where('id', '=', id).execute();
      await this.record(by, 'officer.team', id, { from: row.team, to: team, reason });
    }
    return { officer: toAccount({ ...row, team }), grant: await this.pendingGrant(id) };
  }

  /**
   * Sets a new password and ends every sign-in of the account. The admin who set it
   * knows it, so the account's roles are held back until a second admin approves them again.
   */
  async resetPassword(
    id: string,
    password: string,
    reason: string,
    by: AccountActor,
  ): Promise<AccountChangeResult> {
    if (by.type === 'officer' && by.id === id)
      throw forbidden('you cannot reset your own password here; ask another admin');
    const row = await this.require(id);
    // An account from the identity provider has no password here; giving it one would open a second way in.
    if (row.password_hash.startsWith('!'))
      throw new DomainError('conflict', 'this officer signs in with single sign-on and has no password here');
    assertStrongPassword(password, { username: row.username, displayName: row.display_name });
    const held = rolesOf(row);
    await this.db
      .updateTable('officers')
      .set({ password_hash: await hashPassword(password), ...(by.type === 'officer' ? { roles: '[]' } : {}) })
      .where('id', '=', id)
      .execute();
    await this.revokeSessions(id);
    await this.record(by, 'officer.password_reset', id, {
      reason,
      ...(by.type === 'system' ? { breakGlass: true } : { rolesHeld: held }),
    });
    this.events.publish('officer.signedOut', { officerId: id, reason: 'password reset' });
    if (by.type === 'system' || held.length === 0)
      return { officer: toAccount(row), grant: await this.pendingGrant(id) };
    const grant = await this.requestGrant(id, held, `restore roles after a password reset: ${reason}`, by);
    return { officer: toAccount({ ...row, roles: '[]' }), grant };
  }

  /** A second admin's approval: the grant's roles are added to the account. */
  async approveGrant(grantId: string, reason: string, by: AccountActor): Promise<RoleGrant> {
    const grant = await this.#grants.get(grantId);
    if (!grant) throw notFound('role grant');
    if (by.type === 'officer' && (by.id === grant.requestedById || by.id === grant.officerId)) {
      const why = by.id === grant.officerId ? 'own account' : 'own request';
      await this.record(by, 'officer.grant_approval_refused', grant.officerId, { grantId, why });
      throw forbidden(
        why === 'own account'
          ? 'you cannot approve roles for yourself'
          : 'a second admin must approve a grant you asked for',
      );
    }
    if (grant.state !== 'pending') throw new DomainError('conflict', `this grant is already ${grant.state}`);
    const row = await this.require(grant.officerId);
    const decider = deciderOf(by);
    if (!(await this.#grants.decide(grantId, 'approved', this.clock.now(), decider, reason)))
      throw new DomainError('conflict', 'this grant was decided meanwhile');
    const current = rolesOf(row);
    const next = [...current, ...grant.roles.filter((r) => !current.includes(r))];
    await this.record(by, 'officer.grant_approved', grant.officerId, {
      grantId,
      roles: grant.roles,
      reason,
      requestedBy: grant.requestedById,
      ...(by.type === 'system' ? { breakGlass: true } : {}),
    });
    if (next.length !== current.length) await this.applyRoles(row, next, reason, by);
    return (await this.#grants.get(grantId))!;
  }

  /** Turns a pending grant down (or, by its requester, withdraws it); its roles never apply. */
  async refuseGrant(grantId: string, reason: string, by: AccountActor): Promise<RoleGrant> {
    const grant = await this.#grants.get(grantId);
    if (!grant) throw notFound('role grant');
    if (!(await this.#grants.decide(grantId, 'refused', this.clock.now(), deciderOf(by), reason)))
      throw new DomainError('conflict', `this grant is already ${grant.state}`);
    await this.record(by, 'officer.grant_refused', grant.officerId, { grantId, roles: grant.roles, reason });
    return (await this.#grants.get(grantId))!;
  }

  private async requestGrant(
    officerId: string,
    roles: Role[],
    reason: string,
    by: Extract<Actor, { type: 'officer' }>,
  ): Promise<RoleGrant> {
    // One request per account at a time; a newer one replaces it, so what an approver sees is current.
    const old = await this.#grants.pendingFor(officerId);
    const now = this.clock.now();
    if (old)
      await this.#grants.decide(old.id, 'superseded', now, deciderOf(by), 'replaced by a newer request');
    const id = this.random.id();
    await this.#grants.insert({
      id,
      officer_id: officerId,
      roles: JSON.stringify(roles),
      reason,
      requested_at: now,
      requested_by: by.id,
      requested_by_name: by.name,
      state: 'pending',
      decided_at: null,
      decided_by: null,
      decided_by_name: null,
      decision_reason: null,
    });
    await this.record(by, 'officer.grant_requested', officerId, {
      grantId: id,
      roles,
      reason,
      ...(old ? { supersedes: old.id } : {}),
    });
    return (await this.#grants.get(id))!;
  }

  private async applyRoles(
    row: OfficersTable,
    roles: Role[],
    reason: string,
    by: AccountActor,
  ): Promise<OfficerAccount> {
    const json = JSON.stringify(roles);
    await this.db.updateTable('officers').set({ roles: json }).where('id', '=', row.id).execute();
    await this.record(by, 'officer.roles_set', row.id, {
      from: rolesOf(row),
      to: roles,
      reason,
      ...(by.type === 'system' ? { breakGlass: true } : {}),
    });
    this.events.publish('officer.rolesChanged', { officerId: row.id, roles });
    return toAccount({ ...row, roles: json });
  }

  /** Refuses a change that would leave no active admin to run the system. */
  private async assertAnotherAdmin(exceptId: string): Promise<void> {
    const active = await this.db
      .selectFrom('officers')
      .select(['id', 'roles'])
      .where('disabled_at', 'is', null)
      .where('id', '!=', exceptId)
      .execute();
    if (!active.some((o) => rolesOf(o).includes('admin')))
      throw new DomainError('conflict', 'this is the last active admin; make another admin first');
  }

  private async revokeSessions(officerId: string): Promise<void> {
    await this.db
      .updateTable('officer_sessions')
      .set({ revoked_at: this.clock.now() })
      .where('officer_id', '=', officerId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  private async require(id: string): Promise<OfficersTable> {
    const row = await this.findById(id);
    if (!row) throw notFound('officer');
    return row;
  }

  private record(by: AccountActor, action: string, officerId: string, detail: Record<string, unknown>) {
    // The server's CLI acts alone: every change it makes is marked as the break-glass path.
    const marked = by.type === 'system' ? { ...detail, breakGlass: true } : detail;
    return this.audit.record({
      actor: by,
      action,
      subject: { type: 'officer', id: officerId },
      detail: marked,
    });
  }
}

function deciderOf(by: AccountActor): { id: string | null; name: string | null } {
  return by.type === 'officer' ? { id: by.id, name: by.name } : { id: null, name: 'server CLI' };
}

function rolesOf(row: Pick<OfficersTable, 'roles'>): Role[] {
  const roles = Role.array().safeParse(JSON.parse(row.roles));
  return roles.success ? roles.data : [];
}

/** An account as admins see it. */
export function toAccount(row: OfficersTable): OfficerAccount {
  return {
    ...toView(row),
    disabledAt: row.disabled_at === null ? null : Number(row.disabled_at),
    lastLoginAt: row.last_login_at === null ? null : Number(row.last_login_at),
    team: row.team ?? null,
  };
}

/** The public face of an officer row: no password hash. */
export function toView(row: OfficersTable): OfficerView {
  return { id: row.id, username: row.username, displayName: row.display_name, roles: rolesOf(row) };
}
