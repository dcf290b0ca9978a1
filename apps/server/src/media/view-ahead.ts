import type { JanusHandle } from '../adapters/janus/janus-handle.js';
import type { VideoRoomApi } from '../adapters/janus/videoroom.js';
import type { Logger } from '../lib/logger.js';

/** How long a subscription made ahead waits for its first officer before it is let go. */
const KEEP_AHEAD_MS = 60_000;

export interface ViewAheadOffer {
  handle: JanusHandle;
  feed: string;
  /** Janus's offer for the viewer. */
  sdp: string;
}

/**
 * One subscription to the caller's feed, made the moment the publisher is up, before any
 * officer asks: the first view then costs no Janus round trip (two, attach and join, about
 * 45 ms of the time to first frame under load). Janus sends it no media until an officer's
 * answer starts it, and it is audited then, as that officer's view. One at a time per room.
 * Not taken within `keepMs` (nobody is watching this call), it is let go: a Janus handle per
 * unwatched call is a cost with nothing to show for it, and the first view then subscribes for
 * itself, as it always could.
 */
export class ViewAhead {
  #next: Promise<ViewAheadOffer | null> | null = null;
  #expiry: NodeJS.Timeout | null = null;

  constructor(
    private readonly room: string,
    private readonly api: VideoRoomApi,
    private readonly log: Logger,
    private readonly keepMs = KEEP_AHEAD_MS,
  ) {}

  /** Subscribes ahead to `feed`, unless a subscription ahead is already made or being made. */
  prepare(feed: string): void {
    if (this.#next) return;
    const next = this.#subscribe(feed);
    this.#next = next;
    this.#clearExpiry();
    this.#expiry = setTimeout(() => {
      this.#expiry = null;
      if (this.#next === next) void this.discard();
    }, this.keepMs);
    this.#expiry.unref();
  }

  /**
   * The subscription made ahead to `feed`, if there is a live one (waiting for it if it is
   * still being made); the caller owns its handle from then on.
   */
  async take(feed: string): Promise<ViewAheadOffer | null> {
    const next = this.#next;
    this.#next = null;
    this.#clearExpiry();
    const got = await next;
    if (!got) return null;
    if (got.feed === feed && got.handle.alive) return got;
    await this.#detach(got);
    return null;
  }

  /** Lets it go: its publisher left, or the room closed. */
  async discard(): Promise<void> {
    const next = this.#next;
    this.#next = null;
    this.#clearExpiry();
    const got = await next;
    if (got) await this.#detach(got);
  }

  #clearExpiry(): void {
    if (this.#expiry) clearTimeout(this.#expiry);
    this.#expiry = null;
  }

  async #subscribe(feed: string): Promise<ViewAheadOffer | null> {
    let handle: JanusHandle | null = null;
    try {
      handle = await this.api.attach(`viewer:${this.room}`);
      const { sdp } = await this.api.subscribe(handle, { room: this.room, feed });
      return { handle, feed, sdp };
    } catch (err) {
      // Only a head start lost: the first view subscribes for itself, as it always could.
      this.log.warn({ err, room: this.room }, 'media: subscribing ahead failed');
      if (handle) await this.#detach({ handle, feed, sdp: '' });
      return null;
    }
  }

  async #detach(got: ViewAheadOffer): Promise<void> {
    await got.handle.detach().catch(() => {});
  }
}
