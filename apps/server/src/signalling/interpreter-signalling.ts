import {
  type CallFeed,
  type InterpreterToServer,
  InterpreterToServer as InterpreterToServerSchema,
  Language,
  type ServerToInterpreter,
} from '@sightline/protocol';
import type { WebSocket } from 'ws';
import type { EventBus } from '../events/event-bus.js';
import type { IceServerIssuer } from '../ice/ice-servers.js';
import { type InterpreterService, interpreterActor } from '../interpreters/interpreter.service.js';
import { DomainError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { viewKey } from '../media/interpreter-media.js';
import type { MediaGateway } from '../media/media-gateway.js';
import type { SessionService } from '../sessions/session.service.js';
import { CloseCode, SocketChannel } from './socket-channel.js';

type InterpreterChannel = SocketChannel<InterpreterToServer, ServerToInterpreter>;

interface Connected {
  channel: InterpreterChannel;
  sessionId: string;
  joined: boolean;
}

/**
 * The interpreter's socket: consent, their camera, and the caller's and officer's feeds offered
 * to them as each comes up (events, from whichever instance holds the media). One socket per
 * interpreter; a newer one replaces the older. Their part ending (removed, declined, the
 * session over) closes it.
 */
export class InterpreterSignalling {
  readonly #sockets = new Map<string, Connected>();
  #connections = 0;

  constructor(
    private readonly interpreters: InterpreterService,
    private readonly sessions: SessionService,
    private readonly media: MediaGateway,
    private readonly ice: IceServerIssuer,
    private readonly agency: string | null,
    private readonly log: Logger,
    events: EventBus,
  ) {
    events.subscribe('interpreter.ended', ({ interpreterId, reason }) => {
      const c = this.#sockets.get(interpreterId);
      c?.channel.send({ type: 'ended', reason });
      c?.channel.close(CloseCode.sessionEnded, 'interpreter ended');
    });
    events.subscribe('media.feed', ({ sessionId, feed, live }) => {
      if (feed === 'interpreter') return;
      for (const [id, c] of this.#sockets)
        if (c.sessionId === sessionId && c.joined) void this.offerFeed(id, c, feed, live);
    });
  }

  /** Serves an authenticated interpreter's socket. */
  async accept(socket: WebSocket, interpreterId: string, ip: string | null): Promise<void> {
    const row = await this.interpreters.get(interpreterId);
    const channel: InterpreterChannel = new SocketChannel(
      socket,
      InterpreterToServerSchema,
      this.log.child({ sessionId: row.session_id, interpreterId }),
      { sessionId: row.session_id, connId: `interpreter-${++this.#connections}` },
    );
    this.#sockets.get(interpreterId)?.channel.close(CloseCode.replaced, 'opened elsewhere');
    const conn: Connected = { channel, sessionId: row.session_id, joined: row.state === 'joined' };
    this.#sockets.set(interpreterId, conn);
    // TURN credentials, renewed before they expire: a long interpretation outlives the first ones.
    const grant = this.ice.forInterpreter(interpreterId);
    const stopIce = this.ice.keepFresh(
      grant,
      () => this.ice.forInterpreter(interpreterId),
      (g) => channel.send({ type: 'ice.servers', iceServers: g.iceServers }),
    );
    socket.on('close', () => {
      stopIce();
      if (this.#sockets.get(interpreterId) === conn) this.#sockets.delete(interpreterId);
    });
    channel.listen((msg) => this.handle(interpreterId, conn, msg, ip));
    const session = await this.sessions.get(row.session_id);
    channel.send({
      type: 'welcome',
      language: Language.parse(session.language),
      interpreterName: row.name,
      agency: this.agency,
      consented: conn.joined,
      iceServers: grant.iceServers,
      iceTransportPolicy: this.ice.callerPolicy,
    });
    if (conn.joined) this.offerAll(interpreterId, conn);
  }

  private async handle(id: string, conn: Connected, msg: InterpreterToServer, ip: string | null) {
    const { channel, sessionId } = conn;
    if (msg.type === 'ping') return channel.send({ type: 'pong' });
    if (msg.type === 'consent') {
      await this.interpreters.consent(id, msg.decision, ip);
      conn.joined = msg.decision === 'accepted';
      channel.send({ type: 'consent.recorded', decision: msg.decision });
      if (conn.joined) this.offerAll(id, conn);
      return;
    }
    if (msg.type === 'leave') return this.interpreters.leave(id, ip);
    if (!conn.joined) throw new DomainError('consent_required', 'agree to being recorded first');
    switch (msg.type) {
      case 'publish.offer': {
        const interpreter = interpreterActor(await this.interpreters.get(id));
        const sdp = await this.media.interpreterMedia(sessionId, {
          op: 'publish',
          interpreter,
          sdp: msg.sdp,
        });
        channel.send({ type: 'publish.answer', sdp: sdp ?? '' });
        return;
      }
      case 'publish.candidate':
        await this.media.interpreterMedia(sessionId, { op: 'candidate', candidate: msg.candidate, by: id });
        return;
      case 'feed.answer':
        await this.media.interpreterMedia(sessionId, {
          op: 'view.answer',
          key: this.key(msg.feed),
          sdp: msg.sdp,
          by: id,
        });
        return;
      case 'feed.candidate':
        await this.media.interpreterMedia(sessionId, {
          op: 'view.candidate',
          key: this.key(msg.feed),
          candidate: msg.candidate,
          by: id,
        });
        return;
    }
  }

  private key(feed: CallFeed): string {
    if (feed === 'interpreter') throw new DomainError('bad_request', 'that is your own camera');
    return viewKey.interpreter(feed);
  }

  /** Offers the caller's and the officer's feeds, where they are up (on joining, and on a reconnect). */
  private offerAll(id: string, conn: Connected): void {
    void this.offerFeed(id, conn, 'caller', true, true);
    void this.offerFeed(id, conn, 'officer', true, true);
  }

  private async offerFeed(
    id: string,
    conn: Connected,
    feed: 'caller' | 'officer',
    live: boolean,
    quiet = false,
  ) {
    if (this.#sockets.get(id) !== conn) return;
    if (!live) return conn.channel.send({ type: 'feed.ended', feed });
    try {
      const sdp = await this.media.interpreterMedia(conn.sessionId, {
        op: 'view.offer',
        key: viewKey.interpreter(feed),
        feed,
        // Checked where the media is: a removed interpreter's socket may not have closed yet.
        by: id,
      });
      if (sdp) conn.channel.send({ type: 'feed.offer', feed, sdp });
    } catch (err) {
      // Not up yet (the officer has no camera on, the caller is reconnecting): offered when it is.
      if (!quiet) this.log.warn({ err, feed }, 'signalling: could not offer a feed to the interpreter');
    }
  }

  closeAll(): void {
    for (const c of this.#sockets.values()) c.channel.close(CloseCode.shuttingDown, 'server shutting down');
  }
}
