import type { IceCandidate } from '@sightline/protocol';
import { JANUS_LOST, type JanusHandle } from '../adapters/janus/janus-handle.js';
import type { VideoRoomApi } from '../adapters/janus/videoroom.js';
import { DomainError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';

type Candidate = NonNullable<IceCandidate> | null;

export interface InterpreterLinkEvents {
  /** The interpreter's camera reached Janus: offer it to the caller and the officers. */
  interpreterUp(): void;
  /** The interpreter's publish ended; its recording can be ingested. */
  interpreterDown(recordingId: string, reason: string, janusGone: boolean): void;
}

interface InterpreterPublisher {
  handle: JanusHandle;
  feedId: string;
  recordingId: string;
  up: boolean;
}

/**
 * An interpreter in the call: their camera published into the session's room (recorded like
 * the others), and every subscription that involves them, by key: the caller's and each
 * officer's view of the interpreter, and the interpreter's views of the caller and the officer.
 * All of them end with the interpreter, so `stop()` is the only close this needs; it is idempotent.
 */
export class InterpreterLink {
  #pub: InterpreterPublisher | null = null;
  #pending: Candidate[] = [];
  readonly #views = new Map<string, JanusHandle>();

  constructor(
    private readonly room: string,
    private readonly api: VideoRoomApi,
    private readonly events: InterpreterLinkEvents,
    private readonly log: Logger,
  ) {}

  /** The interpreter's feed while Janus receives it. */
  get feedId(): string | null {
    return this.#pub?.up ? this.#pub.feedId : null;
  }

  /** Publishes the interpreter's offer (replacing an earlier one); returns Janus's answer. */
  async publish(offer: string, recording: { recordingId: string; fileBase: string }): Promise<string> {
    // Only the old camera goes: the interpreter's own views of the others stay.
    if (this.#pub) await this.drop(this.#pub, 'replaced', false);
    const handle = await this.api.attach(`interpreter:${this.room}`);
    const pub: InterpreterPublisher = {
      handle,
      feedId: `interpreter-${recording.recordingId.slice(0, 8)}`,
      recordingId: recording.recordingId,
      up: false,
    };
    this.#pub = pub;
    handle.on('webrtcup', () => {
      pub.up = true;
      this.events.interpreterUp();
    });
    handle.on('hangup', (reason) => void this.drop(pub, reason, reason === JANUS_LOST));
    for (const c of this.#pending.splice(0)) void handle.trickle(c).catch(() => {});
    const answer = await this.api.publish(handle, {
      room: this.room,
      id: pub.feedId,
      display: 'interpreter',
      offer: { type: 'offer', sdp: offer },
      recordingBase: recording.fileBase,
    });
    return answer.sdp;
  }

  async addCandidate(c: Candidate): Promise<void> {
    if (this.#pub) await this.#pub.handle.trickle(c);
    else {
      this.#pending.push(c);
      if (this.#pending.length > 50) this.#pending.shift();
    }
  }

  /** Subscribes `key` to a feed (replacing that key's earlier view); returns Janus's offer. */
  async offerView(key: string, feedId: string | null): Promise<string> {
    if (!feedId) throw new DomainError('session_not_live', 'that camera is not sending right now');
    await this.stopView(key);
    const handle = await this.api.attach(`interpreter-view:${this.room}`);
    this.#views.set(key, handle);
    handle.on('hangup', () => void this.stopView(key, handle));
    try {
      return (await this.api.subscribe(handle, { room: this.room, feed: feedId })).sdp;
    } catch (err) {
      await this.stopView(key, handle);
      throw err;
    }
  }

  async answerView(key: string, sdp: string): Promise<void> {
    await this.api.start(this.requireView(key), { type: 'answer', sdp });
  }

  async viewCandidate(key: string, c: Candidate): Promise<void> {
    await this.requireView(key).trickle(c);
  }

  /** Ends one view (only if it is still `handle`, when given); safe to call twice. */
  async stopView(key: string, handle?: JanusHandle): Promise<void> {
    const current = this.#views.get(key);
    if (!current || (handle && handle !== current)) return;
    this.#views.delete(key);
    await current.detach();
  }

  /** Stops the interpreter's camera and every view involving them (they have left). Idempotent. */
  async stop(reason: string): Promise<void> {
    if (this.#pub) await this.drop(this.#pub, reason, false);
    for (const key of [...this.#views.keys()]) await this.stopView(key);
  }

  private requireView(key: string): JanusHandle {
    const view = this.#views.get(key);
    if (!view) throw new DomainError('unknown_view', 'no such view (it may have ended)');
    return view;
  }

  private async drop(pub: InterpreterPublisher, reason: string, janusGone: boolean): Promise<void> {
    if (this.#pub !== pub) return;
    this.#pub = null;
    this.log.info({ room: this.room, reason }, 'media: interpreter video stopped');
    this.events.interpreterDown(pub.recordingId, reason, janusGone);
    // Views of the interpreter's camera end with it; the interpreter's own views of the others do not.
    for (const key of [...this.#views.keys()]) if (!key.startsWith('interpreter:')) await this.stopView(key);
    if (!janusGone) await pub.handle.detach();
  }
}
