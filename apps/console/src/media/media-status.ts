import type { MediaPlaneStatus } from '@sightline/protocol';
import { formatHm } from '../lib/format.js';
import { Store } from '../lib/store.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';

export type MediaNotice =
  /** Live video is unavailable now (red). */
  | { kind: 'down'; title: string; text: string }
  /** It was lost and has come back (amber), so officers know why a picture froze earlier. */
  | { kind: 'restarted'; text: string; detail: string | null; key: string }
  | null;

export interface MediaState {
  status: MediaPlaneStatus | null;
  /** We saw it other than up while this console was open (covers an unmanaged server with 0 restarts). */
  sawOutage: boolean;
  /** The restart notice the officer dismissed; a later restart shows again. */
  dismissedKey: string | null;
}

/** What, if anything, the media banner should say. */
export function mediaNotice(state: MediaState): MediaNotice {
  const s = state.status;
  if (!s) return null;
  if (s.state !== 'up') {
    const title = s.state === 'starting' ? 'Media server starting.' : 'Media server down.';
    const effect = 'Live video is unavailable until it is back; location sharing carries on.';
    return { kind: 'down', title, text: s.lastError ? `${s.lastError} ${effect}` : effect };
  }
  if (s.restarts === 0 && !state.sawOutage) return null;
  const key = `${s.restarts}@${s.since}`;
  if (state.dismissedKey === key) return null;
  const text =
    s.restarts > 0
      ? `Media server restarted at ${formatHm(s.since)} (${s.restarts} ${s.restarts === 1 ? 'restart' : 'restarts'}).`
      : `Media server reconnected at ${formatHm(s.since)}.`;
  return { kind: 'restarted', text, detail: s.lastError, key };
}

/** The media server's health as the server last told us (hello, then media.status). */
export class MediaStore extends Store<MediaState> {
  constructor() {
    super({ status: null, sawOutage: false, dismissedKey: null });
  }

  connect(socket: ConsoleSocket): () => void {
    return socket.onMessage((msg) => {
      if (msg.type === 'hello' || msg.type === 'media.status') this.update(msg.media);
    });
  }

  update(status: MediaPlaneStatus): void {
    this.patch({ status, sawOutage: this.get().sawOutage || status.state !== 'up' });
  }

  dismiss(key: string): void {
    this.patch({ dismissedKey: key });
  }
}
