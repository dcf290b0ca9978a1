import { DomainError } from '../lib/errors.js';

export interface InviteLimitSettings {
  perNumberHour: number;
  perOfficerMinute: number;
  perOfficerHour: number;
}

/** Creation times (ms, oldest first) of the invites to a number, or by an officer, since a time. */
export interface RecentInvites {
  recentInviteTimes(filter: { phoneE164: string } | { createdBy: string }, since: number): Promise<number[]>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Per-number and per-officer limits on texts (invites and resends), counted from the
 * sms_deliveries table, so every server sharing the database counts the same texts. A number is not flooded
 * with texts, and one account (or a stolen session) cannot send a stream of them.
 */
export class InviteLimits {
  constructor(
    private readonly invites: RecentInvites,
    private readonly limits: InviteLimitSettings,
  ) {}

  /** Throws invite_limit_number or invite_limit_officer (429) if this invite would exceed a limit. */
  async check(phoneE164: string, officerId: string, now: number): Promise<void> {
    const l = this.limits;
    const toNumber = await this.invites.recentInviteTimes({ phoneE164 }, now - HOUR);
    const wait = waitMs(toNumber, l.perNumberHour, HOUR, now);
    if (wait !== null) {
      const message = `This number has already been sent ${toNumber.length} links in the last hour. Ask the caller to use the last one, or try again in ${minutes(wait)}.`;
      throw new DomainError('invite_limit_number', message, { phone: message });
    }
    const byOfficer = await this.invites.recentInviteTimes({ createdBy: officerId }, now - HOUR);
    const lastMinute = byOfficer.filter((t) => t > now - MINUTE);
    const minuteWait = waitMs(lastMinute, l.perOfficerMinute, MINUTE, now);
    if (minuteWait !== null)
      throw new DomainError(
        'invite_limit_officer',
        `You have sent ${lastMinute.length} links in the last minute, the most allowed. Try again in ${Math.ceil(minuteWait / 1000)} seconds.`,
      );
    const hourWait = waitMs(byOfficer, l.perOfficerHour, HOUR, now);
    if (hourWait !== null)
      throw new DomainError(
        'invite_limit_officer',
        `You have sent ${byOfficer.length} links in the last hour, the most allowed. Try again in ${minutes(hourWait)}, or ask a colleague to send this one.`,
      );
  }
}

/** Null if one more is allowed; else how long until enough of `times` (oldest first) leave the window. */
function waitMs(times: readonly number[], limit: number, windowMs: number, now: number): number | null {
  if (times.length < limit) return null;
  const freesUp = times[times.length - limit]!;
  return Math.max(1000, freesUp + windowMs - now);
}

function minutes(ms: number): string {
  const m = Math.ceil(ms / MINUTE);
  return m === 1 ? '1 minute' : `${m} minutes`;
}
