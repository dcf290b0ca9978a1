import { describe, expect, it } from 'vitest';
import { DomainError } from '../lib/errors.js';
import { InviteLimits, type RecentInvites } from './invite-limits.js';

const NOW = 10 * 3_600_000;
const MIN = 60_000;

/** Invites as (number, officer, minutes ago). */
function fake(invites: Array<[string, string, number]>): RecentInvites {
  return {
    async recentInviteTimes(filter, since) {
      return invites
        .filter(([n, o]) => ('phoneE164' in filter ? n === filter.phoneE164 : o === filter.createdBy))
        .map(([, , ago]) => NOW - ago * MIN)
        .filter((t) => t > since)
        .sort((a, b) => a - b);
    },
  };
}

const limits = { perNumberHour: 3, perOfficerMinute: 2, perOfficerHour: 4 };
const refusal = async (p: Promise<void>) => {
  try {
    await p;
    return null;
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return err;
  }
};

describe('InviteLimits', () => {
  it('allows up to the per-number limit in an hour, whoever sends, then says when to try again', async () => {
    const recent: Array<[string, string, number]> = [
      ['+1', 'a', 50],
      ['+1', 'b', 30],
    ];
    expect(await refusal(new InviteLimits(fake(recent), limits).check('+1', 'c', NOW))).toBeNull();
    const err = await refusal(
      new InviteLimits(fake([...recent, ['+1', 'c', 5]]), limits).check('+1', 'd', NOW),
    );
    expect(err?.code).toBe('invite_limit_number');
    expect(err?.message).toMatch(/already been sent 3 links in the last hour.*try again in 10 minutes/);
    expect(err?.fields?.phone).toBe(err?.message);
  });

  it('forgets invites older than an hour', async () => {
    const old: Array<[string, string, number]> = [
      ['+1', 'a', 61],
      ['+1', 'a', 70],
      ['+1', 'a', 80],
    ];
    expect(await refusal(new InviteLimits(fake(old), limits).check('+1', 'a', NOW))).toBeNull();
  });

  it('limits one officer per minute and per hour, across numbers', async () => {
    const burst = await refusal(
      new InviteLimits(
        fake([
          ['+1', 'a', 0.5],
          ['+2', 'a', 0.2],
        ]),
        limits,
      ).check('+3', 'a', NOW),
    );
    expect(burst?.code).toBe('invite_limit_officer');
    expect(burst?.message).toMatch(/2 links in the last minute.*Try again in 30 seconds/);
    const hour = await refusal(
      new InviteLimits(
        fake([
          ['+1', 'a', 40],
          ['+2', 'a', 30],
          ['+3', 'a', 20],
          ['+4', 'a', 10],
        ]),
        limits,
      ).check('+5', 'a', NOW),
    );
    expect(hour?.code).toBe('invite_limit_officer');
    expect(hour?.message).toMatch(/4 links in the last hour.*Try again in 20 minutes/);
    // Another officer is not affected.
    expect(
      await refusal(new InviteLimits(fake([['+1', 'a', 0.5]]), limits).check('+9', 'b', NOW)),
    ).toBeNull();
  });
});
