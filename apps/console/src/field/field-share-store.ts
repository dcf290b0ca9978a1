import type {
  FieldSession,
  FieldShare,
  LocationFix,
  ReceivedFix,
  ServerToConsole,
  ShareViewEndReason,
} from '@sightline/protocol';
import { type ApiClient, ApiRequestError, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';
import type { LiveViewer } from '../live-video/live-viewer.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';

/** Fewest ms between two of the officer's positions sent to the control room (the server takes one per 2 s). */
export const SEND_EVERY_MS = 3_000;

export interface FieldShareState {
  status: 'loading' | 'open' | 'ended' | 'not-found' | 'error';
  share: FieldShare | null;
  session: FieldSession | null;
  callerFix: ReceivedFix | null;
  /** The officer's own newest position, from this phone. */
  ownFix: LocationFix | null;
  ownError: string | null;
  /** Which way the phone's top points (compass degrees), or null with no compass. */
  compass: number | null;
  /** When the officer's position last went to the control room. */
  sentAt: number | null;
  endReason: ShareViewEndReason | null;
  /** What to tell the officer when the share is over or could not be opened. */
  message: string | null;
}

type FieldSocket = Pick<ConsoleSocket, 'send' | 'onMessage' | 'onOpen' | 'watch' | 'unwatch'>;

export interface FieldShareDeps {
  api: Pick<ApiClient, 'openShare'>;
  socket: FieldSocket;
  /** Builds the live video viewer for the shared session (the console's own LiveViewer). */
  createViewer: (sessionId: string) => LiveViewer;
  /** Follows this phone's GPS until the returned function is called (geolocation.ts). */
  watchPosition?: (onFix: (fix: LocationFix) => void, onError: (message: string) => void) => () => void;
  /** Follows this phone's compass until the returned function is called (heading.ts). */
  watchCompass?: (onHeading: (deg: number | null) => void) => () => void;
  now?: () => number;
}

export const END_TEXT: Record<ShareViewEndReason, string> = {
  revoked: 'The control room has stopped sharing this session with you.',
  expired: 'This share has expired. Ask the control room to share it again if you still need it.',
  'session-ended': 'The caller’s session has ended.',
  'left-incident': 'The control room has taken this caller out of the incident.',
};

/**
 * One shared session on a field officer's phone: opens the share (audited by the server),
 * watches the session through it, runs the live video, and sends the officer's own position
 * back. When the share is revoked or runs out the server closes the view and says why; this
 * store then stops everything and keeps only the reason on screen.
 */
export class FieldShareStore {
  readonly state = new Store<FieldShareState>({
    status: 'loading',
    share: null,
    session: null,
    callerFix: null,
    ownFix: null,
    ownError: null,
    compass: null,
    sentAt: null,
    endReason: null,
    message: null,
  });
  viewer: LiveViewer | null = null;
  readonly #off: Array<() => void> = [];
  /** Stops the GPS and compass: when the share ends (however) or the page goes. */
  readonly #sensorsOff: Array<() => void> = [];
  readonly #now: () => number;
  #watching: string | null = null;
  #disposed = false;

  constructor(
    readonly shareId: string,
    private readonly deps: FieldShareDeps,
    /** Under an incident share: the caller chosen from the incident's list. */
    readonly sessionId: string | null = null,
  ) {
    this.#now = deps.now ?? Date.now;
  }

  async start(): Promise<void> {
    this.#off.push(
      this.deps.socket.onMessage((m) => this.onMessage(m)),
      // A share may have ended while the phone was out of signal: ask again on reconnecting.
      this.deps.socket.onOpen(({ reconnect }) => {
        if (reconnect && this.state.get().status === 'open') void this.open();
      }),
    );
    const { watchPosition, watchCompass } = this.deps;
    if (watchPosition)
      this.#sensorsOff.push(
        watchPosition(
          (fix) => this.ownPosition(fix),
          (message) => this.ownPositionFailed(message),
        ),
      );
    if (watchCompass) this.#sensorsOff.push(watchCompass((compass) => this.state.patch({ compass })));
    await this.open();
    // Ended or refused on opening: a battery-draining GPS watch has nothing left to serve.
    if (this.state.get().status !== 'open') this.stopSensors();
  }

  private async open(): Promise<void> {
    try {
      const share = await this.deps.api.openShare(this.shareId);
      if (this.#disposed || this.state.get().status === 'ended') return;
      if (share.incident && !this.sessionId) {
        // A shared incident with no caller chosen yet: the list of its callers, nothing watched.
        this.state.patch({ status: 'open', share, session: null });
        if (this.state.get().sentAt === null) this.sendOwn();
        return;
      }
      const session = sessionOf(share, this.sessionId);
      if (!session) {
        this.end('left-incident', END_TEXT['left-incident']);
        return;
      }
      this.state.patch({
        status: 'open',
        share,
        session,
        callerFix: newer(this.state.get().callerFix, session.lastFix),
      });
      if (!this.#watching) {
        this.#watching = session.id;
        this.deps.socket.watch(session.id);
        this.viewer = this.deps.createViewer(session.id);
      }
      this.viewer?.setPublishing(session.publishing);
      // A fix that came before the share opened has not gone out; a parked phone may send no other.
      if (this.state.get().sentAt === null) this.sendOwn();
    } catch (err) {
      if (this.#disposed) return;
      if (err instanceof ApiRequestError && err.code === 'share_ended') this.end(null, err.message);
      else if (err instanceof ApiRequestError && err.code === 'not_found')
        this.state.patch({ status: 'not-found', message: 'There is no such share for you.' });
      // A reopen after the phone got its signal back that fails for a passing reason (flaky 4G)
      // must not take away a view that works: only "ended" or "not found" change what is shown.
      else if (this.state.get().status !== 'open')
        this.state.patch({ status: 'error', message: errorMessage(err) });
    }
  }

  /** Reads the share again (the incident's callers and their latest positions). */
  refresh(): Promise<void> {
    return this.open();
  }

  /** A position from this phone: shown at once, sent to the control room at most every few seconds. */
  ownPosition(fix: LocationFix): void {
    this.state.patch({ ownFix: fix, ownError: null });
    this.sendOwn();
  }

  private sendOwn(): void {
    const st = this.state.get();
    if (st.status !== 'open' || !st.ownFix) return;
    const now = this.#now();
    if (st.sentAt !== null && now - st.sentAt < SEND_EVERY_MS) return;
    this.deps.socket.send({ type: 'field.position', shareId: this.shareId, fix: st.ownFix });
    this.state.patch({ sentAt: now });
  }

  ownPositionFailed(message: string): void {
    this.state.patch({ ownError: message });
  }

  private onMessage(m: ServerToConsole): void {
    const st = this.state.get();
    if (m.type === 'share.changed' && m.shareId === this.shareId && m.endReason) {
      // Under an incident share, another caller leaving the incident is not this page's business.
      if (m.endReason === 'left-incident' && m.sessionId !== (st.session?.id ?? this.sessionId)) return;
      this.end(m.endReason, END_TEXT[m.endReason]);
    } else if (
      m.type === 'share.changed' &&
      m.shareId === this.shareId &&
      st.share?.incident &&
      !this.sessionId
    ) {
      // A caller joined or left the shared incident: the list follows.
      if (st.status === 'open') void this.open();
    } else if (st.status !== 'open') {
      return;
    } else if (m.type === 'field.session' && m.shareId === this.shareId && m.session.id === st.session?.id) {
      this.state.patch({ session: m.session, callerFix: newer(st.callerFix, m.session.lastFix) });
      this.viewer?.setPublishing(m.session.publishing);
    } else if (m.type === 'location.fix' && m.sessionId === st.session?.id) {
      this.state.patch({ callerFix: newer(st.callerFix, m.fix) });
    }
  }

  private end(reason: ShareViewEndReason | null, message: string): void {
    this.stopWatching();
    this.stopSensors();
    this.state.patch({ status: 'ended', endReason: reason, message, callerFix: null });
  }

  private stopWatching(): void {
    this.viewer?.dispose();
    this.viewer = null;
    if (this.#watching) this.deps.socket.unwatch(this.#watching);
    this.#watching = null;
  }

  private stopSensors(): void {
    for (const off of this.#sensorsOff.splice(0)) off();
  }

  dispose(): void {
    this.#disposed = true;
    this.stopWatching();
    this.stopSensors();
    for (const off of this.#off.splice(0)) off();
  }
}

/** The session this page shows: the share's own, or the chosen caller of a shared incident (null: not in it now). */
export function sessionOf(share: FieldShare, sessionId: string | null): FieldSession | null {
  if (share.session) return share.session;
  return share.incident?.callers.find((c) => c.session.id === sessionId)?.session ?? null;
}

function newer(a: ReceivedFix | null, b: ReceivedFix | null): ReceivedFix | null {
  if (!a) return b;
  if (!b) return a;
  return b.receivedAt >= a.receivedAt ? b : a;
}
