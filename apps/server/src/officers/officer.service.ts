import { type CreateOfficerRequest, type OfficerView, Role } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { OfficersTable } from '../adapters/db/schema.js';
import type { Random } from '../adapters/random.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { DomainError } from '../lib/errors.js';
import { hashPassword } from './password.js';
import { assertStrongPassword } from './password-rules.js';

/** Officer accounts: local users with argon2id passwords and one or more roles. */
export class OfficerService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly audit: AuditService,
  ) {}

  async create(input: CreateOfficerRequest, by: Actor): Promise<OfficerView> {
    const existing = await this.db
      .selectFrom('officers')
      .select('id')
      .where('username', '=', input.username)
      .executeTakeFirst();
    if (existing)
      throw new DomainError('conflict', `username "${input.username}" is taken`, { username: 'taken' });
    assertStrongPassword(input.password, input);
    const row: OfficersTable = {
      id: this.random.id(),
      username: input.username,
      display_name: input.displayName,
      password_hash: await hashPassword(input.password),
      roles: JSON.stringify([...new Set(input.roles)]),
      created_at: this.clock.now(),
      disabled_at: null,
      last_login_at: null,
    };
    await this.db.insertInto('officers').values(row).execute();
    const view = toView(row);
    await this.audit.record({
      actor: by,
      action: 'officer.create',
      subject: { type: 'officer', id: row.id },
      detail: { username: row.username, roles: view.roles },
    });
    return view;
  }

  async list(): Promise<OfficerView[]> {
    const rows = await this.db
      .selectFrom('officers')
      .selectAll()
      .where('disabled_at', 'is', null)
      .orderBy('username')
      .execute();
    return rows.map(toView);
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
}

/** The public face of an officer row: no password hash. */
export function toView(row: OfficersTable): OfficerView {
  const roles = Role.array().safeParse(JSON.parse(row.roles));
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: roles.success ? roles.data : [],
  };
}
