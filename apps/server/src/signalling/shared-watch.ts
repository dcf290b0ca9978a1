import type { ShareEndReason } from '@sightline/protocol';

/** One session a field officer's console watches through a share, until the share ends. */
interface Binding {
  shareId: string;
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
      reason: ShareEndReason,
    ) => void,
  ) {}

  has(sessionId: string): boolean {
    return this.#by.has(sessionId);
  }

  /** The share this console watches `sessionId` under, if any. */
  shareOf(sessionId: string): string | null {
    return this.#by.get(sessionId)?.shareId ?? null;
  }

  /** Watches `sessionId` under `shareId` until `inMs` from now (a later bind replaces the timer). */
  bind(sessionId: string, shareId: string, inMs: number): void {
    const old = this.#by.get(sessionId);
    if (old) clearTimeout(old.timer);
    const timer = setTimeout(() => this.end(sessionId, shareId, 'expired'), Math.max(0, inMs));
    timer.unref?.();
    this.#by.set(sessionId, { shareId, timer, views: old?.views ?? new Set() });
  }

  /** Remembers a view started under the session's share (closed with it). */
  addView(sessionId: string, viewId: string): void {
    this.#by.get(sessionId)?.views.add(viewId);
  }

  /** Ends the binding if it is still under `shareId`; calls onEnd with its views. */
  end(sessionId: string, shareId: string, reason: ShareEndReason): boolean {
    const b = this.#by.get(sessionId);
    if (!b || b.shareId !== shareId) return false;
    clearTimeout(b.timer);
    this.#by.delete(sessionId);
    this.onEnd(sessionId, shareId, [...b.views], reason);
    return true;
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
