import { useCallback, useEffect, useState } from 'react';
import { useApp } from '../app/context.js';

/** An item's bytes outside a viewing: the server serves and audits them as a download. */
export const downloadUrl = (id: string): string =>
  `/api/evidence/${encodeURIComponent(id)}/content?download=1`;

/**
 * The url to play an item through (null until the server answers). Showing the
 * item starts a viewing, which the server audits once; its url serves the
 * player's range requests until it expires. `renew` asks again after a failure
 * (an expired viewing after a long pause, a server restart): within a minute the
 * server returns the same viewing, so a file that cannot play does not loop.
 */
export function useViewing(itemId: string, enabled = true): { url: string | null; renew: () => void } {
  const { api } = useApp();
  const [viewing, setViewing] = useState<{ itemId: string; url: string } | null>(null);
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the renew trigger.
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    api
      .startViewing(itemId)
      .then((v) => {
        if (live) setViewing({ itemId, url: v.url });
      })
      .catch(() => {
        if (live) setViewing(null);
      });
    return () => {
      live = false;
    };
  }, [api, itemId, enabled, attempt]);
  const renew = useCallback(() => setAttempt((n) => n + 1), []);
  return { url: viewing?.itemId === itemId ? viewing.url : null, renew };
}
