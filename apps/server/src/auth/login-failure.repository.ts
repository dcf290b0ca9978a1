import type { Db } from '../adapters/db/database.js';
import type { Random } from '../adapters/random.js';

/** Failures in a row for one account from one address. */
export interface PairState {
  failures: number;
  lastFailureAt: number;
}

/**
 * The sign-in failure tables (login_pairs, login_failures). They live in the database so that
 * every server instance sharing it applies the same guessing limits: an attacker spreading
 * guesses over instances behind a load balancer gains nothing.
 */
export class LoginFailureRepository {
  constructor(
    private readonly db: Db,
    private readonly random: Random,
  ) {}

  async pair(account: string, address: string): Promise<PairState | undefined> {
    const row = await this.db
      .selectFrom('login_pairs')
      .select(['failures', 'last_failure_at'])
      .where('account', '=', account)
      .where('address', '=', address)
      .executeTakeFirst();
    return row && { failures: Number(row.failures), lastFailureAt: Number(row.last_failure_at) };
  }

  /** Times, oldest first, of the newest `limit` failures against `account` after `since`. */
  recentForAccount(account: string, since: number, limit: number): Promise<number[]> {
    return this.recent('account', account, since, limit);
  }

  /** Times, oldest first, of the newest `limit` failures from `address` after `since`. */
  recentForAddress(address: string, since: number, limit: number): Promise<number[]> {
    return this.recent('address', address, since, limit);
  }

  /**
   * Records one checked wrong password at `at`. The pair's count restarts when its last failure
   * is older than `forgetBefore`; rows older than that are deleted, so the tables hold one window.
   */
  async record(account: string, address: string, at: number, forgetBefore: number): Promise<string> {
    await this.db
      .insertInto('login_pairs')
      .values({ account, address, failures: 1, last_failure_at: at })
      .onConflict((oc) =>
        oc.columns(['account', 'address']).doUpdateSet((eb) => ({
          failures: eb
            .case()
            .when('login_pairs.last_failure_at', '<', forgetBefore)
            .then(1)
            .else(eb('login_pairs.failures', '+', 1))
            .end(),
          last_failure_at: eb.ref('excluded.last_failure_at'),
        })),
      )
      .execute();
    const id = this.random.id();
    await this.db.insertInto('login_failures').values({ id, account, address, at }).execute();
    await this.db.deleteFrom('login_failures').where('at', '<=', forgetBefore).execute();
    await this.db.deleteFrom('login_pairs').where('last_failure_at', '<', forgetBefore).execute();
    return id;
  }

  /** Takes back one recorded entry (a reserved check that turned out not to be a guess). */
  async forget(id: string): Promise<void> {
    await this.db.deleteFrom('login_failures').where('id', '=', id).execute();
  }

  /** A correct password: that address's failures against that account are forgotten. */
  async clearPair(account: string, address: string): Promise<void> {
    await this.db
      .deleteFrom('login_pairs')
      .where('account', '=', account)
      .where('address', '=', address)
      .execute();
  }

  private async recent(
    column: 'account' | 'address',
    value: string,
    since: number,
    limit: number,
  ): Promise<number[]> {
    const rows = await this.db
      .selectFrom('login_failures')
      .select('at')
      .where(column, '=', value)
      .where('at', '>', since)
      .orderBy('at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => Number(r.at)).reverse();
  }
}
