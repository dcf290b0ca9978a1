import type { ShareViewEndReason } from '@sightline/protocol';

/** One session a field officer's console watches through a share, until the share ends. */
interface Binding {
  shareId: string;
  /** Set when the share is of an incident: the binding lasts while the session stays in it. */
  incidentId: string | null;
  timer: ReturnType<typeof setTimeout>;
  /** The live views started under this share. */
  views: Set<string>;
}

/**
 * The sessions one console watches through shares (field officers only). Each binding ends at
 * the share's expiry by its own timer, so the view closes the moment the share runs out, not at
 * the next sweep; a revoke or a sweep elsewhere ends it through the `share.changed` event.
 */
export class SharedWatch {
  readonly #by = new Map<string, Binding>();

  constructor(
    private readonly onEnd: (
      sessionId: string,
      shareId: string,
      views: string[],
      reason: ShareViewEndReason,
    ) => void,
  ) {}

  has(sessionId: string): boolean {
    return this.#by.has(sessionId);
  }

  /** The share this console watches `sessionId` under, if any. */
  shareOf(sessionId: string): string | null {
    return this.#by.get(sessionId)?.shareId ?? null;
  }

  /**
   * Watches `sessionId` under `shareId` until `inMs` from now (a later bind replaces the timer);
   * `incidentId` when the share is of the incident the session is in.
   */
  bind(sessionId: string, shareId: string, inMs: number, incidentId: string | null = null): void {
    const old = this.#by.get(sessionId);
    if (old) clearTimeout(old.timer);
    const timer = setTimeout(() => this.end(sessionId, shareId, 'expired'), Math.max(0, inMs));
    timer.unref?.();
    this.#by.set(sessionId, { shareId, incidentId, timer, views: old?.views ?? new Set() });
  }

  /** Remembers a view started under the session's share (closed with it). */
  addView(sessionId: string, viewId: string): void {
    this.#by.get(sessionId)?.views.add(viewId);
  }

  /** Ends the binding if it is still under `shareId`; calls onEnd with its views. */
  end(sessionId: string, shareId: string, reason: ShareViewEndReason): boolean {
    const b = this.#by.get(sessionId);
    if (!b || b.shareId !== shareId) return false;
    clearTimeout(b.timer);
    this.#by.delete(sessionId);
    this.onEnd(sessionId, shareId, [...b.views], reason);
    return true;
  }

  /** Ends every binding under `shareId` (an incident share covers several sessions); how many ended. */
  endShare(shareId: string, reason: ShareViewEndReason): number {
    let n = 0;
    for (const [sessionId, b] of [...this.#by])
      if (b.shareId === shareId && this.end(sessionId, shareId, reason)) n++;
    return n;
  }

  /**
   * The incident's sessions now: ends the bindings under a share of it whose session has left
   * (taken out or moved to another incident), at once, with the views started under them.
   */
  incidentChanged(incidentId: string, sessionIds: readonly string[]): void {
    for (const [sessionId, b] of [...this.#by])
      if (b.incidentId === incidentId && !sessionIds.includes(sessionId))
        this.end(sessionId, b.shareId, 'left-incident');
  }

  /** Whether this console watches anything under a share of the incident. */
  watchesIncident(incidentId: string): boolean {
    for (const b of this.#by.values()) if (b.incidentId === incidentId) return true;
    return false;
  }

  /**
   * Stops watching without ending the share (unwatch); returns the views started under it, which
   * the caller must stop: a view must never outlive the binding that would close it.
   */
  forget(sessionId: string): string[] {
    const b = this.#by.get(sessionId);
    if (!b) return [];
    clearTimeout(b.timer);
    this.#by.delete(sessionId);
    return [...b.views];
  }

  /** The console closed. */
  clear(): void {
    for (const b of this.#by.values()) clearTimeout(b.timer);
    this.#by.clear();
  }
}
