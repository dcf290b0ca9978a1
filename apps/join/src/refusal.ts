import type { ApiError } from '@sightline/protocol';
import type { CallerState } from './store.js';

/** What a refused claim shows: a scheduled check not open yet says when; anything else is the neutral page. */
export async function refusal(res: Response | null): Promise<Partial<CallerState>> {
  if (res?.status !== 403) return { screen: 'unavailable' };
  // Any 403 body (a proxy's, an old server's) may lack `error`: it is the neutral page, not a stuck "Loading".
  const body = (await res.json().catch(() => null)) as Partial<ApiError> | null;
  const opensAt = Number(body?.error?.fields?.opensAt);
  if (body?.error?.code !== 'link_not_yet_open' || !Number.isFinite(opensAt))
    return { screen: 'unavailable' };
  return { screen: 'not-yet-open', opensAt };
}

/** The longest a browser timer waits (setTimeout overflows past 2^31-1 ms); a later opening re-arms. */
const MAX_WAIT_MS = 86_400_000;
/** A phone's clock may run ahead of the server's: an early retry is answered "not yet" and waits again. */
const MIN_WAIT_MS = 5_000;

/** How long a page left open on "not yet open" waits before claiming again: just past the opening. */
export function retryDelay(opensAt: number, now: number): number {
  return Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, opensAt - now + 1_000));
}
