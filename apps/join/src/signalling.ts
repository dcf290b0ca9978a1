import type { CallerToServer, ServerToCaller } from '@sightline/protocol';

type Handler = (msg: ServerToCaller) => void;

/** Close codes after which reconnecting is pointless. */
const FINAL_CLOSE = new Set([4001, 4002, 4401]);
/** A link quiet for this long is asked for a pong... */
const QUIET_MS = 1_500;
/**
 * ...and taken for dead if none comes back this soon (a half-open TCP connection never
 * closes by itself). Generous, because a mobile uplink busy with an upload can hold a
 * pong back for seconds; when the media connection has gone quiet too, `mediaSilent()`
 * drops the socket much sooner.
 */
const PONG_WITHIN_MS = 3_000;
/**
 * With the media connection silent as well, a pong later than this means the socket's path is
 * gone too: SILENT_PONG_MS, or a few of this link's own round trips where they are longer (a
 * slow mobile network must not have its socket replaced for being slow).
 */
const SILENT_PONG_MS = 300;
const SILENT_PONG_RTTS = 3;
const STALE_ON_NEW_OFFER = /^\{"type":"publish\.(offer|candidate)"/;
/** Fixes sent this shortly before a drop may never have arrived: they are sent again (the server ignores repeats). */
const RESEND_FIXES_MS = 20_000;

/**
 * The caller's WebSocket. Reconnects by itself with backoff; messages sent while
 * disconnected are queued (with their original content, e.g. fix times) and
 * flushed on reconnect. A heartbeat finds dead connections (a network change
 * leaves the old one hanging) within seconds rather than TCP's minutes.
 */
export class Signalling {
  #ws: WebSocket | null = null;
  #queue: string[] = [];
  #recentFixes: { at: number; text: string }[] = [];
  #backoff = 500;
  #closed = false;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  #lastHeard = 0;
  #pingSentAt: number | null = null;
  /** Smoothed time from a ping to the next message heard (the network, and the server's queue ahead of the pong). */
  #rttMs: number | null = null;

  constructor(
    private readonly onMessage: Handler,
    private readonly onLink: (state: 'connected' | 'reconnecting' | 'closed', code?: number) => void,
  ) {}

  connect(): void {
    if (this.#closed) return;
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    this.#heartbeat ??= setInterval(() => this.#check(), 500);
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/caller`;
    const ws = new WebSocket(url);
    this.#ws = ws;
    this.#pingSentAt = null;
    ws.onopen = () => {
      this.#backoff = 500;
      this.#lastHeard = Date.now();
      this.onLink('connected');
      const since = Date.now() - RESEND_FIXES_MS;
      this.#recentFixes = this.#recentFixes.filter((f) => f.at >= since);
      const queued = new Set(this.#queue);
      for (const f of this.#recentFixes) if (!queued.has(f.text)) ws.send(f.text);
      this.#flush(ws);
    };
    ws.onmessage = (e) => {
      this.#lastHeard = Date.now();
      if (this.#pingSentAt !== null) {
        const rtt = Date.now() - this.#pingSentAt;
        this.#rttMs = this.#rttMs === null ? rtt : 0.8 * this.#rttMs + 0.2 * rtt;
        this.#pingSentAt = null;
        this.#flush(ws); // the connection answered: what was held back can go
      }
      try {
        this.onMessage(JSON.parse(String(e.data)) as ServerToCaller);
      } catch {
        // A message we cannot read is dropped; the server never sends one.
      }
    };
    ws.onclose = (e) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      if (this.#closed || FINAL_CLOSE.has(e.code)) {
        this.#stop();
        this.onLink('closed', e.code);
        return;
      }
      this.#reconnectLater();
    };
  }

  /** The phone says its network changed: try at once, and check a connection that claims to be open. */
  reconnectNow(): void {
    if (this.#closed) return;
    if (!this.#ws) this.connect();
    else if (this.#ws.readyState === WebSocket.OPEN) {
      this.#flush(this.#ws);
      this.#probe(this.#ws);
    }
  }

  /**
   * The media connection has heard nothing for a while. If this socket does not answer a
   * ping within SILENT_PONG_MS either, the network is most likely gone (a new address after
   * Wi-Fi → 4G): reconnect now instead of waiting out the heartbeat.
   */
  mediaSilent(): void {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const within = Math.max(SILENT_PONG_MS, SILENT_PONG_RTTS * (this.#rttMs ?? 0));
    if (this.#pingSentAt !== null && Date.now() - this.#pingSentAt > within) {
      this.#drop(ws);
      return;
    }
    this.#probe(ws);
    const ping = this.#pingSentAt;
    // The media restart's offer waits behind this ping: a socket that cannot answer it in a
    // few round trips is replaced now, not after PONG_WITHIN_MS.
    setTimeout(() => {
      if (this.#ws === ws && this.#pingSentAt === ping) this.#drop(ws);
    }, within);
  }

  /** The phone went offline: hold messages back, and find out soon whether the connection survives. */
  wentOffline(): void {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#probe(this.#ws);
  }

  /**
   * Sends now, or queues if the socket is down, the phone offline, or the socket is
   * being checked (a ping is unanswered: what is sent on a dead socket is lost, and a
   * lost publish offer would leave the video stuck). At most 500 messages are kept.
   * `whenDown: 'drop'` is for a sender that keeps its own copy and sends again at its own
   * pace (the location tracker's device copy): queued too, the same fixes would go twice on
   * reconnecting, in a burst past the server's limit. Returns whether it went (or was queued).
   */
  send(msg: CallerToServer, whenDown: 'queue' | 'drop' = 'queue'): boolean {
    const text = JSON.stringify(msg);
    const open =
      this.#ws?.readyState === WebSocket.OPEN && navigator.onLine !== false && this.#pingSentAt === null;
    if (whenDown === 'drop') {
      if (open) this.#ws?.send(text);
      return open;
    }
    if (msg.type === 'location.fix') this.#recentFixes.push({ at: Date.now(), text });
    // A new publish replaces any still queued: an old offer's answer would otherwise be
    // applied to the new connection, and the video would not come back.
    if (msg.type === 'publish.offer') this.#queue = this.#queue.filter((m) => !STALE_ON_NEW_OFFER.test(m));
    if (open) this.#ws?.send(text);
    else {
      this.#queue.push(text);
      if (this.#queue.length > 500) this.#queue.shift();
    }
    return true;
  }

  close(): void {
    this.#closed = true;
    this.#stop();
    this.#ws?.close(1000, 'done');
  }

  #flush(ws: WebSocket): void {
    for (const m of this.#queue.splice(0)) ws.send(m);
  }

  #probe(ws: WebSocket): void {
    if (this.#pingSentAt !== null) return;
    this.#pingSentAt = Date.now();
    ws.send(JSON.stringify({ type: 'ping' }));
  }

  #check(): void {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    if (this.#pingSentAt !== null) {
      if (Date.now() - this.#pingSentAt > PONG_WITHIN_MS) this.#drop(ws);
    } else if (Date.now() - this.#lastHeard > QUIET_MS) this.#probe(ws);
  }

  /** Gives up on a connection that stopped answering and starts a new one. */
  #drop(ws: WebSocket): void {
    if (this.#ws !== ws) return;
    this.#ws = null;
    ws.onclose = null;
    ws.onmessage = null;
    ws.close();
    this.#reconnectLater(0);
  }

  #reconnectLater(delay = this.#backoff): void {
    this.onLink('reconnecting');
    this.#retry = setTimeout(() => this.connect(), delay);
    // Capped low: after a network change the caller should be back within a few seconds.
    this.#backoff = Math.min(this.#backoff * 2, 2_000);
  }

  #stop(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
    this.#recentFixes = [];
  }
}
