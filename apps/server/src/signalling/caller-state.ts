import type { CallerMediaState, OfficerRequestAction, QualityLevel } from '@sightline/protocol';

export interface PendingRequest {
  sessionId: string;
  action: OfficerRequestAction;
}

export interface CallerQuality {
  level: QualityLevel;
  kbps: number;
}

/**
 * What the caller's phone last reported and the officers' requests it has yet to answer.
 * Shared by every instance (Redis) when there are several: the officer who asks and the
 * caller who answers may be connected to different ones, and a console that starts
 * watching on any instance needs the phone's last state.
 */
export interface CallerStateStore {
  putRequest(requestId: string, r: PendingRequest): Promise<void>;
  /** Removes and returns the request (null if unknown, already answered or expired). */
  takeRequest(requestId: string): Promise<PendingRequest | null>;
  /** Stores the phone's media state; returns what it was before (null if never reported). */
  swapMedia(sessionId: string, state: CallerMediaState): Promise<CallerMediaState | null>;
  /** Stores the quality; returns the level before (null if never reported). */
  swapQuality(sessionId: string, q: CallerQuality): Promise<QualityLevel | null>;
  current(sessionId: string): Promise<{ media: CallerMediaState | null; quality: CallerQuality | null }>;
  /** Forgets a session's state and pending requests (it ended). */
  forget(sessionId: string): Promise<void>;
}

/** The one-instance store: plain maps in this process. */
export class MemoryCallerState implements CallerStateStore {
  readonly #pending = new Map<string, PendingRequest>();
  readonly #media = new Map<string, CallerMediaState>();
  readonly #quality = new Map<string, CallerQuality>();

  async putRequest(requestId: string, r: PendingRequest): Promise<void> {
    this.#pending.set(requestId, r);
  }

  async takeRequest(requestId: string): Promise<PendingRequest | null> {
    const r = this.#pending.get(requestId) ?? null;
    this.#pending.delete(requestId);
    return r;
  }

  async swapMedia(sessionId: string, state: CallerMediaState): Promise<CallerMediaState | null> {
    const before = this.#media.get(sessionId) ?? null;
    this.#media.set(sessionId, state);
    return before;
  }

  async swapQuality(sessionId: string, q: CallerQuality): Promise<QualityLevel | null> {
    const before = this.#quality.get(sessionId)?.level ?? null;
    this.#quality.set(sessionId, q);
    return before;
  }

  async current(sessionId: string) {
    return { media: this.#media.get(sessionId) ?? null, quality: this.#quality.get(sessionId) ?? null };
  }

  async forget(sessionId: string): Promise<void> {
    this.#media.delete(sessionId);
    this.#quality.delete(sessionId);
    for (const [k, v] of this.#pending) if (v.sessionId === sessionId) this.#pending.delete(k);
  }
}
