import { TypedEmitter } from '../../lib/typed-emitter.js';
import type { JanusConnection } from './janus-connection.js';
import type { HandleEvents, JanusMessage, Jsep } from './janus-types.js';

/** Hangup reason used when the connection to Janus dropped (not a normal hangup). */
export const JANUS_LOST = 'media server connection lost';

/** One plugin handle: a PeerConnection's worth of state inside Janus. */
export class JanusHandle extends TypedEmitter<HandleEvents> {
  #gone = false;

  constructor(
    private readonly connection: JanusConnection,
    readonly id: number,
  ) {
    super();
  }

  /** False once Janus detached it or the connection dropped. */
  get alive(): boolean {
    return !this.#gone;
  }

  message(body: Record<string, unknown>, jsep?: Jsep) {
    return this.connection.message(this.id, body, jsep);
  }

  trickle(candidate: Record<string, unknown> | null): Promise<void> {
    return this.connection.trickle(this.id, candidate);
  }

  /** Detaches on the Janus side; safe to call more than once or after the connection died. */
  async detach(): Promise<void> {
    if (this.#gone) return;
    this.#gone = true;
    try {
      await this.connection.detach(this.id);
    } catch {
      // Already gone on the Janus side: nothing left to release.
    } finally {
      this.safeEmit('detached');
      this.removeAllListeners();
    }
  }

  /** Called by the connection when the transport drops. */
  markGone(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.safeEmit('hangup', JANUS_LOST);
    this.safeEmit('detached');
    this.removeAllListeners();
  }

  /** Routes one unsolicited Janus message to typed events. */
  dispatch(msg: JanusMessage): void {
    switch (msg.janus) {
      case 'webrtcup':
        this.safeEmit('webrtcup');
        break;
      case 'media':
        this.safeEmit('media', {
          type: String(msg.type ?? ''),
          ...(typeof msg.mid === 'string' ? { mid: msg.mid } : {}),
          receiving: msg.receiving === true,
        });
        break;
      case 'hangup':
        this.safeEmit('hangup', String(msg.reason ?? 'hangup'));
        break;
      case 'slowlink':
        this.safeEmit('slowlink', {
          uplink: msg.uplink === true,
          ...(typeof msg.lost === 'number' ? { lost: msg.lost } : {}),
        });
        break;
      case 'detached':
        this.#gone = true;
        this.safeEmit('detached');
        this.removeAllListeners();
        break;
      case 'event':
        if (msg.plugindata) this.safeEmit('event', msg.plugindata.data, msg.jsep);
        break;
      default:
        break;
    }
  }
}
