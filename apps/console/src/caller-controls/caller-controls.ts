import type {
  CallerMediaState,
  OfficerRequestAction,
  QualityLevel,
  TimelineEvent,
} from '@sightline/protocol';
import { Store } from '../lib/store.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';

/** A request the caller has not answered yet. */
export interface PendingRequest {
  action: OfficerRequestAction;
  /** Our socket message id, until the server names the request. */
  ref: string;
  requestId: string | null;
}

export interface CallerControlsState {
  /** The caller's camera, microphone and torch as their phone last reported them. */
  media: CallerMediaState | null;
  quality: { level: QualityLevel; kbps: number } | null;
  pending: PendingRequest[];
  /** The caller's answer to the latest request (from any officer watching). */
  answer: { requestId: string; action: OfficerRequestAction; accepted: boolean } | null;
  error: string | null;
}

const INITIAL: CallerControlsState = { media: null, quality: null, pending: [], answer: null, error: null };

type ControlsSocket = Pick<ConsoleSocket, 'send' | 'onMessage' | 'connected'>;

/**
 * What the caller's phone is doing (media state, connection quality) and the
 * officer's requests to it. A request is only ever a question: the phone shows
 * it and the caller decides, so nothing changes on the phone silently.
 */
export class CallerControls extends Store<CallerControlsState> {
  readonly #off: Array<() => void> = [];

  constructor(
    readonly sessionId: string,
    private readonly socket: ControlsSocket,
  ) {
    super(INITIAL);
  }

  start(): void {
    this.#off.push(
      this.socket.onMessage((msg) => {
        switch (msg.type) {
          case 'caller.media':
            if (msg.sessionId === this.sessionId) this.patch({ media: msg.state });
            return;
          case 'caller.quality':
            if (msg.sessionId === this.sessionId)
              this.patch({ quality: { level: msg.level, kbps: msg.kbps } });
            return;
          case 'request.sent': {
            if (msg.sessionId !== this.sessionId) return;
            const i = this.get().pending.findIndex((p) =>
              msg.ref ? p.ref === msg.ref : p.requestId === null && p.action === msg.action,
            );
            if (i < 0) return;
            const pending = [...this.get().pending];
            pending[i] = { ...(pending[i] as PendingRequest), requestId: msg.requestId };
            this.patch({ pending });
            return;
          }
          case 'request.answered':
            if (msg.sessionId !== this.sessionId) return;
            this.patch({
              pending: this.get().pending.filter((p) => p.requestId !== msg.requestId),
              answer: { requestId: msg.requestId, action: msg.action, accepted: msg.accepted },
            });
            return;
          case 'error': {
            if (!msg.ref || !this.get().pending.some((p) => p.ref === msg.ref)) return;
            this.patch({ pending: this.get().pending.filter((p) => p.ref !== msg.ref), error: msg.message });
            return;
          }
          default:
            return;
        }
      }),
    );
  }

  dispose(): void {
    for (const off of this.#off.splice(0)) off();
  }

  /**
   * Takes the phone's state from the session's timeline, for a page opened after
   * the phone last reported (the server sends `caller.media` only on a change).
   * Anything heard live since wins.
   */
  seed(timeline: readonly TimelineEvent[]): void {
    const cur = this.get();
    if (cur.media && cur.quality) return;
    const known = stateFromTimeline(timeline);
    this.patch({ media: cur.media ?? known.media, quality: cur.quality ?? known.quality });
  }

  /** Asks the caller's phone; the caller sees the question and decides. */
  ask(action: OfficerRequestAction): void {
    if (!this.socket.connected) {
      this.patch({ error: 'Not connected to the server. Try again in a moment.' });
      return;
    }
    const ref = this.socket.send({ type: 'request.send', sessionId: this.sessionId, action });
    // One question per action at a time: asking again replaces the older one on our side.
    const pending = [
      ...this.get().pending.filter((p) => p.action !== action),
      { action, ref, requestId: null },
    ];
    this.patch({ pending, error: null });
  }

  isPending(action: OfficerRequestAction): boolean {
    return this.get().pending.some((p) => p.action === action);
  }
}

const ACTION_TEXT: Record<OfficerRequestAction, { ask: string; done: string; verb: string }> = {
  'switch-camera': { ask: 'Ask to switch camera', done: 'Caller switched camera', verb: 'switch camera' },
  'torch-on': { ask: 'Ask to turn on torch', done: 'Caller turned on the torch', verb: 'turn on the torch' },
  'torch-off': {
    ask: 'Ask to turn off torch',
    done: 'Caller turned off the torch',
    verb: 'turn off the torch',
  },
};

/** The button's words for a request. */
export const askText = (action: OfficerRequestAction): string => ACTION_TEXT[action].ask;

/** "Waiting for the caller to switch camera…" */
export const pendingText = (action: OfficerRequestAction): string =>
  `Asked the caller to ${ACTION_TEXT[action].verb}; waiting for them to decide…`;

/** "Caller switched camera" / "Caller declined to switch camera". */
export function answerText(action: OfficerRequestAction, accepted: boolean): string {
  return accepted ? ACTION_TEXT[action].done : `Caller declined to ${ACTION_TEXT[action].verb}`;
}

const VIDEO_TEXT = { on: 'Video on', paused: 'Video paused by the caller', off: 'Video off' } as const;
const AUDIO_TEXT = { on: 'Microphone on', muted: 'Microphone muted', off: 'Microphone off' } as const;
const CAMERA_TEXT = { back: 'Back camera', front: 'Front camera', unknown: 'Camera not known' } as const;

/** The caller's controls in words, one phrase each, in the order an officer scans them. */
export function describeMedia(m: CallerMediaState): string[] {
  return [
    VIDEO_TEXT[m.video],
    CAMERA_TEXT[m.camera],
    AUDIO_TEXT[m.audio],
    m.torch ? 'Torch on' : 'Torch off',
  ];
}

const QUALITY_TEXT: Record<QualityLevel, string> = {
  good: 'Good',
  fair: 'Fair',
  poor: 'Poor',
  stills: 'Still pictures only',
};

/** "Connection: Fair · 420 kbit/s". */
export function describeQuality(q: { level: QualityLevel; kbps: number }): string {
  return `Connection: ${QUALITY_TEXT[q.level]} · ${Math.round(q.kbps)} kbit/s`;
}

/**
 * The phone's last reported state, rebuilt from the timeline's "caller.controls"
 * ("video on, microphone muted, back camera") and "caller.quality" ("fair (420
 * kbit/s)") entries. The words are the server's timeline text, so this is a
 * best effort: anything it cannot read is left unknown, never guessed.
 */
export function stateFromTimeline(timeline: readonly TimelineEvent[]): {
  media: CallerMediaState | null;
  quality: { level: QualityLevel; kbps: number } | null;
} {
  const m: Partial<CallerMediaState> = {};
  let quality: { level: QualityLevel; kbps: number } | null = null;
  for (const e of timeline) {
    if (e.type === 'caller.quality') {
      const q = /^(good|fair|poor|stills) \((\d+(?:\.\d+)?) kbit\/s\)$/.exec(e.detail ?? '');
      if (q) quality = { level: q[1] as QualityLevel, kbps: Number(q[2]) };
    }
    if (e.type !== 'caller.controls') continue;
    for (const part of (e.detail ?? '').split(', ')) {
      let x = /^video (on|paused|off)$/.exec(part);
      if (x) m.video = x[1] as CallerMediaState['video'];
      x = /^microphone (on|muted|off)$/.exec(part);
      if (x) m.audio = x[1] as CallerMediaState['audio'];
      x = /^(back|front) camera$/.exec(part);
      if (x) m.camera = x[1] as CallerMediaState['camera'];
      x = /^torch (on|off)$/.exec(part);
      if (x) m.torch = x[1] === 'on';
    }
  }
  const media =
    m.video && m.audio
      ? { video: m.video, audio: m.audio, camera: m.camera ?? 'unknown', torch: m.torch ?? false }
      : null;
  return { media, quality };
}
