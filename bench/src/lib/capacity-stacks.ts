// The two stacks the capacity benchmark compares, each carrying N synthetic sessions (a
// publisher, 2 viewers, recording on) that stay connected while the other stack is measured.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleClient } from '@sightline/testkit/console-client';
import { publisherOffer, type RtpSource, viewerAnswer } from '@sightline/testkit/synthetic';
import type WebSocket from 'ws';
import { findJanusLibDir } from '../../../apps/server/src/adapters/janus/janus-config.js';
import { JanusConnection } from '../../../apps/server/src/adapters/janus/janus-connection.js';
import { JanusSupervisor } from '../../../apps/server/src/adapters/janus/janus-supervisor.js';
import { VideoRoomApi } from '../../../apps/server/src/adapters/janus/videoroom.js';
import { silentLogger } from '../../../apps/server/src/lib/logger.js';
import { findFreePort } from '../../../apps/server/src/lib/ports.js';
import { connectCaller } from './caller-socket.js';
import { ViewerMeter } from './frame-delay.js';
import { ndcPublisher, ndcViewer } from './ndc-peers.js';
import { childPid } from './proc.js';
import { createInvite, type OfficerApi, officerApi, type Sightline, startSightline } from './sightline.js';

export const VIEWERS = 2;
const SESSION_SETUP_MS = 30_000;

interface Publisher {
  sdp: string;
  accept(answer: string): Promise<void>;
  silence(on: boolean): void;
  close(): void;
}

/** The synthetic peers: werift (JavaScript, as in the tests) or libdatachannel (C++, cheaper). */
export type PeerKind = 'werift' | 'ndc';
interface Peers {
  publisher(source: RtpSource): Promise<Publisher>;
  viewer(offer: string, meter: ViewerMeter): Promise<{ sdp: string; close(): void }>;
}
const PEERS: Record<PeerKind, Peers> = {
  werift: {
    publisher: publisherOffer,
    async viewer(offer, meter) {
      const a = await viewerAnswer(offer, meter);
      return { sdp: a.sdp, close: () => void a.pc.close() };
    },
  },
  ndc: { publisher: ndcPublisher, viewer: ndcViewer },
};

/** What both stacks offer the benchmark. */
export interface Stack {
  readonly name: 'bare' | 'sightline';
  readonly sessions: number;
  readonly viewers: ViewerMeter[];
  /** Process ids to meter: `janus`, and for Sightline the server process (whose tree holds Janus). */
  pids(): Record<string, number>;
  /** Adds sessions until there are n. */
  grow(n: number): Promise<void>;
  /** Starts or stops the publishers' media; every PeerConnection stays up either way. */
  carry(on: boolean): void;
  close(): Promise<void>;
}

abstract class Base {
  readonly viewers: ViewerMeter[] = [];
  protected abstract readonly peers: Peers;
  protected publishers: Publisher[] = [];
  protected closers: Array<() => void> = [];
  #carrying = true;

  get sessions(): number {
    return this.publishers.length;
  }

  protected added(pub: Publisher): void {
    this.publishers.push(pub);
    this.closers.push(() => pub.close());
    // A session added while the stack is idle starts idle, like the others.
    if (!this.#carrying) pub.silence(true);
  }

  carry(on: boolean): void {
    this.#carrying = on;
    for (const p of this.publishers) p.silence(!on);
    for (const v of this.viewers) v.rebase();
  }
}

/** Rejects with a clear message if one session's setup hangs (a saturated machine can do that). */
async function bounded<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} not set up within ${SESSION_SETUP_MS / 1000} s`)),
      SESSION_SETUP_MS,
    );
  });
  try {
    return await Promise.race([p, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sightline: callers through real invites, links, consent and signalling; viewers through the console socket. */
export class SightlineStack extends Base implements Stack {
  readonly name = 'sightline';
  private constructor(
    private readonly server: Sightline,
    private readonly api: OfficerApi,
    private readonly con: ConsoleClient,
    private readonly source: RtpSource,
    protected readonly peers: Peers,
  ) {
    super();
  }

  static async start(source: RtpSource, kind: PeerKind): Promise<SightlineStack> {
    const server = await startSightline({
      SIGHTLINE_TRUST_PROXY: 'loopback',
      SIGHTLINE_LOG_LEVEL: 'warn',
      // The stack is idle while bare Janus is measured: a pause of one half-pair, never 600 s,
      // so the server marks the video stopped and resumed but never closes the recording.
      SIGHTLINE_MEDIA_STALL_GRACE_SECONDS: '600',
    });
    const api = await officerApi(server.url);
    const con = await ConsoleClient.open(server.url, api.cookie);
    return new SightlineStack(server, api, con, source, PEERS[kind]);
  }

  pids(): Record<string, number> {
    const server = this.server.process.pid!;
    return { janus: childPid(server, 'janus'), server };
  }

  async grow(n: number): Promise<void> {
    while (this.sessions < n) await bounded(`Sightline session ${this.sessions + 1}`, this.#addSession());
  }

  async #addSession(): Promise<void> {
    const index = this.sessions;
    const { sessionId, link } = await createInvite(this.api);
    const ws = await connectCaller(this.server.url, link, index);
    this.closers.push(() => ws.close());
    const pub = await this.peers.publisher(this.source);
    const live = this.con.waitFor(
      (m) =>
        m.type === 'session.updated' &&
        (m.session as { id: string }).id === sessionId &&
        (m.session as { publishing: boolean }).publishing,
    );
    const answer = nextMessage(ws, 'publish.answer');
    ws.send(JSON.stringify({ type: 'publish.offer', sdp: pub.sdp }));
    await pub.accept((await answer).sdp as string);
    await live;
    this.added(pub);
    for (let v = 0; v < VIEWERS; v++) {
      const meter = new ViewerMeter();
      const offer = await this.con.request({ type: 'view.start', sessionId }, 'view.offer');
      const ans = await this.peers.viewer(offer.sdp as string, meter);
      this.con.send({ type: 'view.answer', viewId: offer.viewId, sdp: ans.sdp });
      this.viewers.push(meter);
      this.closers.push(() => ans.close());
    }
  }

  async close(): Promise<void> {
    for (const c of this.closers) c();
    this.con.close();
    await this.server.stop();
  }
}

/** The next message of a type on a caller socket; an `error` message rejects with its code. */
function nextMessage(ws: WebSocket, type: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const on = (d: WebSocket.RawData) => {
      const m = JSON.parse(d.toString()) as Record<string, unknown>;
      if (m.type !== type && m.type !== 'error') return;
      ws.off('message', on);
      if (m.type === 'error') reject(new Error(`caller: ${String(m.code)}`));
      else resolve(m);
    };
    ws.on('message', on);
  });
}

/** The same load on a bare Janus driven directly over its API: no Sightline server at all. */
export class BareJanusStack extends Base implements Stack {
  readonly name = 'bare';
  private constructor(
    private readonly dir: string,
    private readonly sup: JanusSupervisor,
    private readonly conn: JanusConnection,
    private readonly vr: VideoRoomApi,
    private readonly admin: Awaited<ReturnType<VideoRoomApi['attach']>>,
    private readonly source: RtpSource,
    protected readonly peers: Peers,
  ) {
    super();
  }

  static async start(source: RtpSource, kind: PeerKind): Promise<BareJanusStack> {
    const dir = await mkdtemp(join(tmpdir(), 'bench-bare-janus-'));
    const port = await findFreePort();
    const sup = new JanusSupervisor(
      'janus',
      {
        dir: join(dir, 'cfg'),
        libDir: findJanusLibDir()!,
        wsPort: port,
        apiSecret: 'bench',
        adminKey: 'bench',
        rtpPortRange: '20000-40000',
        iceEnforceList: process.env.SIGHTLINE_MEDIA_IFACE ?? null,
        iceIgnoreList: null,
        nat1to1: null,
        stunServer: null,
        debugLevel: 4,
      },
      silentLogger,
    );
    await sup.start();
    const conn = new JanusConnection({
      url: `ws://127.0.0.1:${port}`,
      apiSecret: 'bench',
      logger: silentLogger,
    });
    await conn.start();
    const vr = new VideoRoomApi(conn, 'bench');
    const admin = await vr.attach('bench-admin');
    return new BareJanusStack(dir, sup, conn, vr, admin, source, PEERS[kind]);
  }

  pids(): Record<string, number> {
    return { janus: this.sup.pid! };
  }

  async grow(n: number): Promise<void> {
    while (this.sessions < n) await bounded(`bare Janus session ${this.sessions + 1}`, this.#addSession());
  }

  async #addSession(): Promise<void> {
    const room = `bare-${this.sessions}`;
    // The same room settings Sightline uses (videoroom.ts), recording included.
    await this.vr.createRoom(this.admin, {
      room,
      description: room,
      recDir: join(this.dir, 'rec', room),
      bitrate: 2_000_000,
      firFreq: 10,
    });
    const handle = await this.vr.attach('pub');
    const up = new Promise<void>((r) => handle.once('webrtcup', () => r()));
    const pub = await this.peers.publisher(this.source);
    const answer = await this.vr.publish(handle, {
      room,
      id: 'caller',
      display: 'caller',
      offer: { type: 'offer', sdp: pub.sdp },
      recordingBase: `rec-${room}`,
    });
    await pub.accept(answer.sdp);
    await up;
    this.added(pub);
    for (let v = 0; v < VIEWERS; v++) {
      const meter = new ViewerMeter();
      const sub = await this.vr.attach('viewer');
      const offer = await this.vr.subscribe(sub, { room, feed: 'caller' });
      const ans = await this.peers.viewer(offer.sdp, meter);
      await this.vr.start(sub, { type: 'answer', sdp: ans.sdp });
      this.viewers.push(meter);
      this.closers.push(() => ans.close());
    }
  }

  async close(): Promise<void> {
    for (const c of this.closers) c();
    this.conn.close();
    await this.sup.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
