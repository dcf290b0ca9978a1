import type { IceServer, IncidentSummary } from '@sightline/protocol';
import { type ApiClient, ApiRequestError, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';
import { LiveViewer, type LiveViewerDeps } from '../live-video/live-viewer.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';
import {
  addEvent,
  addFix,
  applyDetail,
  type IncidentPageState,
  initialIncidentPage,
  updateSession,
  videoWanted,
} from './incident-model.js';

export interface IncidentControllerDeps {
  api: Pick<ApiClient, 'incident'>;
  socket: Pick<
    ConsoleSocket,
    'onMessage' | 'onReconnected' | 'onOpen' | 'watch' | 'unwatch' | 'send' | 'connected'
  >;
  iceServers: () => IceServer[];
  canViewLive: boolean;
  createPeer?: LiveViewerDeps['createPeer'];
  /** A session stopped being watched (it left the incident): what the page keeps of it goes too. */
  onUnwatch?: (sessionId: string) => void;
}

/**
 * Runs the incident page: loads the incident, watches each of its sessions over the socket
 * (fixes, timeline, summaries), keeps one live viewer per caller following its `publishing`
 * flag, and reloads when the incident gains or loses a session (`incident.updated`, from any
 * console on any instance) or after a reconnect.
 */
export class IncidentController {
  readonly state = new Store<IncidentPageState>(initialIncidentPage);
  readonly #viewers = new Map<string, LiveViewer>();
  readonly #watched = new Set<string>();
  readonly #off: Array<() => void> = [];
  #disposed = false;

  /** Whether the page watches this session now (it is one of the incident's). */
  watches(sessionId: string): boolean {
    return this.#watched.has(sessionId);
  }
  #loads = 0;

  constructor(
    readonly incidentId: string,
    private readonly deps: IncidentControllerDeps,
  ) {}

  start(): void {
    const { socket } = this.deps;
    this.#off.push(
      socket.onMessage((msg) => {
        switch (msg.type) {
          case 'incident.updated':
            if (msg.incident.id === this.incidentId) this.onIncident(msg.incident);
            return;
          case 'session.updated':
            this.state.set((s) => updateSession(s, msg.session));
            this.#viewers.get(msg.session.id)?.setPublishing(videoWanted(msg.session));
            return;
          case 'session.event':
            this.state.set((s) => addEvent(s, msg.sessionId, msg.event));
            return;
          case 'location.fix':
            this.state.set((s) => addFix(s, msg.sessionId, msg.fix));
            return;
          default:
            return;
        }
      }),
      socket.onReconnected(() => void this.load()),
    );
    void this.load();
  }

  /** The live viewer of one caller's video (null if this officer may not watch live). */
  viewer(sessionId: string): LiveViewer | null {
    return this.#viewers.get(sessionId) ?? null;
  }

  async load(): Promise<void> {
    const seq = ++this.#loads;
    try {
      const detail = await this.deps.api.incident(this.incidentId);
      if (this.#disposed || seq !== this.#loads) return;
      this.sync(detail.incident.sessionIds);
      this.state.set((s) => applyDetail(s, detail));
      for (const c of detail.callers) this.#viewers.get(c.session.id)?.setPublishing(videoWanted(c.session));
    } catch (err) {
      if (this.#disposed || seq !== this.#loads) return;
      const notFound =
        err instanceof ApiRequestError && (err.code === 'not_found' || err.code === 'bad_request');
      if (this.state.get().status === 'ready' && !notFound) return;
      this.state.patch({ status: notFound ? 'not-found' : 'error', error: errorMessage(err) });
    }
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const off of this.#off.splice(0)) off();
    this.sync([]);
  }

  private onIncident(incident: IncidentSummary): void {
    const cur = this.state.get().incident;
    const same =
      cur !== null &&
      cur.sessionIds.length === incident.sessionIds.length &&
      cur.sessionIds.every((id, i) => incident.sessionIds[i] === id);
    if (same) this.state.patch({ incident });
    else void this.load();
  }

  /** Watches exactly these sessions, with a viewer each; stops the rest. */
  private sync(ids: readonly string[]): void {
    const want = new Set(ids);
    for (const id of [...this.#watched]) {
      if (want.has(id)) continue;
      this.#watched.delete(id);
      this.deps.socket.unwatch(id);
      this.deps.onUnwatch?.(id);
      this.#viewers.get(id)?.dispose();
      this.#viewers.delete(id);
    }
    for (const id of ids) {
      if (this.#watched.has(id)) continue;
      this.#watched.add(id);
      this.deps.socket.watch(id);
      if (this.deps.canViewLive)
        this.#viewers.set(
          id,
          new LiveViewer(id, {
            socket: this.deps.socket,
            iceServers: this.deps.iceServers,
            ...(this.deps.createPeer ? { createPeer: this.deps.createPeer } : {}),
          }),
        );
    }
  }
}
