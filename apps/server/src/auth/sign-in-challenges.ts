import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { SignInChallengesTable } from '../adapters/db/sign-in-schema.js';
import { hashSecret, type Random } from '../adapters/random.js';

export type ChallengeKind = 'mfa' | 'enrol' | 'oidc';

/**
 * The steps between two requests of one sign-in (password accepted, code wanted; an OIDC redirect
 * out and back). The browser holds a random cookie; the table holds its SHA-256, so the database
 * alone cannot finish anyone's sign-in, and every instance sharing it can.
 */
export class SignInChallenges {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  /**
   * Starts a step; returns the cookie value. `payload` may be made from the step's id (to seal it
   * to this step alone). Expired steps are swept on the way.
   */
  async create(
    kind: ChallengeKind,
    officerId: string | null,
    payload: string | null | ((idHash: string) => string),
    ttlMs: number,
  ): Promise<string> {
    const now = this.clock.now();
    await this.db
      .deleteFrom('sign_in_challenges')
      .where('expires_at', '<', now - 3_600_000)
      .execute();
    const cookie = this.random.secret(32);
    const idHash = hashSecret(cookie);
    await this.db
      .insertInto('sign_in_challenges')
      .values({
        id_hash: idHash,
        kind,
        officer_id: officerId,
        payload: typeof payload === 'function' ? payload(idHash) : payload,
        created_at: now,
        expires_at: now + ttlMs,
        used_at: null,
      })
      .execute();
    return cookie;
  }

  /** The live, unused step of this kind for the cookie, or null. */
  async find(cookie: string | undefined, kind: ChallengeKind): Promise<SignInChallengesTable | null> {
    if (!cookie || cookie.length > 128) return null;
    const row = await this.db
      .selectFrom('sign_in_challenges')
      .selectAll()
      .where('id_hash', '=', hashSecret(cookie))
      .executeTakeFirst();
    if (!row || row.kind !== kind || row.used_at !== null || Number(row.expires_at) <= this.clock.now())
      return null;
    return row;
  }

  /** Marks the step used; false if it already was (a second request raced this one, or a replay). */
  async consume(idHash: string): Promise<boolean> {
    const r = await this.db
      .updateTable('sign_in_challenges')
      .set({ used_at: this.clock.now() })
      .where('id_hash', '=', idHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
