import type { IceCandidate } from '@sightline/protocol';
import { JANUS_LOST, type JanusHandle } from '../adapters/janus/janus-handle.js';
import type { VideoRoomApi } from '../adapters/janus/videoroom.js';
import { DomainError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';

type Candidate = NonNullable<IceCandidate> | null;

export interface OfficerLinkEvents {
  /** The officer's camera reached Janus: offer it to the caller. */
  officerUp(): void;
  /** The officer's publish ended; its recording can be ingested. */
  officerDown(recordingId: string, reason: string, janusGone: boolean): void;
}

/**
 * Two-way video: the officer's camera published into the session's room (and
 * recorded, like the caller's), and the caller's subscription to it.
 */
interface OfficerPublisher {
  handle: JanusHandle;
  feedId: string;
  recordingId: string;
  up: boolean;
}

export class OfficerLink {
  #pub: OfficerPublisher | null = null;
  #pending: Candidate[] = [];
  #view: JanusHandle | null = null;

  constructor(
    private readonly room: string,
    private readonly api: VideoRoomApi,
    private readonly events: OfficerLinkEvents,
    private readonly log: Logger,
  ) {}

  get live(): boolean {
    return this.#pub?.up === true;
  }

  /** The officer's feed while Janus receives it. */
  get feedId(): string | null {
    return this.#pub?.up ? this.#pub.feedId : null;
  }

  async publish(offer: string, recording: { recordingId: string; fileBase: string }): Promise<string> {
    await this.stop('replaced');
    const handle = await this.api.attach(`officer:${this.room}`);
    const pub: OfficerPublisher = {
      handle,
      feedId: `officer-${recording.recordingId.slice(0, 8)}`,
      recordingId: recording.recordingId,
      up: false,
    };
    this.#pub = pub;
    handle.on('webrtcup', () => {
      pub.up = true;
      this.events.officerUp();
    });
    handle.on('hangup', (reason) => void this.drop(pub, reason, reason === JANUS_LOST));
    for (const c of this.#pending.splice(0)) void handle.trickle(c).catch(() => {});
    const answer = await this.api.publish(handle, {
      room: this.room,
      id: pub.feedId,
      display: 'officer',
      offer: { type: 'offer', sdp: offer },
      recordingBase: recording.fileBase,
    });
    return answer.sdp;
  }

  async addCandidate(c: Candidate): Promise<void> {
    if (this.#pub) await this.#pub.handle.trickle(c);
    else this.#pending.push(c);
  }

  /** The caller's subscription to the officer's feed; returns Janus's offer for the caller. */
  async subscribeCaller(): Promise<string> {
    if (!this.#pub?.up) throw new DomainError('session_not_live', 'the officer is not sending video');
    await this.#view?.detach();
    const handle = await this.api.attach(`caller-view:${this.room}`);
    this.#view = handle;
    const offer = await this.api.subscribe(handle, { room: this.room, feed: this.#pub.feedId });
    return offer.sdp;
  }

  async answerCaller(sdp: string): Promise<void> {
    if (!this.#view) throw new DomainError('unknown_view', 'no officer video was offered');
    await this.api.start(this.#view, { type: 'answer', sdp });
  }

  async callerCandidate(c: Candidate): Promise<void> {
    if (!this.#view) throw new DomainError('unknown_view', 'no officer video was offered');
    await this.#view.trickle(c);
  }

  async stop(reason: string): Promise<void> {
    if (this.#pub) await this.drop(this.#pub, reason, false);
  }

  private async drop(pub: OfficerPublisher, reason: string, janusGone: boolean): Promise<void> {
    if (this.#pub !== pub) return;
    this.#pub = null;
    this.log.info({ room: this.room, reason }, 'media: officer video stopped');
    this.events.officerDown(pub.recordingId, reason, janusGone);
    await this.#view?.detach();
    this.#view = null;
    if (!janusGone) await pub.handle.detach();
  }
}
