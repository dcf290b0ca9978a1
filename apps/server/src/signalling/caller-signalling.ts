import {
  type CallerToServer,
  CallerToServer as CallerToServerSchema,
  type IceServer,
  type ServerToCaller,
  SessionState,
} from '@sightline/protocol';
import type { WebSocket } from 'ws';
import type { Actor } from '../audit/audit.service.js';
import type { Logger } from '../lib/logger.js';
import type { LocationService } from '../location/location.service.js';
import type { MediaService } from '../media/media.service.js';
import type { SessionService } from '../sessions/session.service.js';
import { CloseCode, SocketChannel } from './socket-channel.js';

type CallerChannel = SocketChannel<CallerToServer, ServerToCaller>;

/** The caller side of signalling: one socket per session (a newer one replaces an older one). */
export class CallerSignalling {
  readonly #sockets = new Map<string, CallerChannel>();

  constructor(
    private readonly sessions: SessionService,
    private readonly media: MediaService,
    private readonly location: LocationService,
    private readonly agency: string,
    private readonly iceServers: IceServer[],
    private readonly log: Logger,
  ) {
    sessions.on('ended', (sessionId, reason) => {
      const channel = this.#sockets.get(sessionId);
      channel?.send({ type: 'session.ended', reason });
      channel?.close(CloseCode.sessionEnded, 'session ended');
      this.location.forget(sessionId);
    });
    media.on('republishNeeded', (sessionId) => {
      this.#sockets.get(sessionId)?.send({ type: 'media.restart', reason: 'the media server restarted' });
    });
  }

  /** Serves an authenticated caller's socket. */
  async accept(socket: WebSocket, sessionId: string, ip: string | null): Promise<void> {
    const channel: CallerChannel = new SocketChannel(
      socket,
      CallerToServerSchema,
      this.log.child({ sessionId }),
    );
    this.#sockets.get(sessionId)?.close(CloseCode.replaced, 'opened elsewhere');
    this.#sockets.set(sessionId, channel);
    socket.on('close', () => {
      if (this.#sockets.get(sessionId) === channel) this.#sockets.delete(sessionId);
    });
    const actor: Actor = { type: 'caller', sessionId };
    channel.listen((msg) => this.handle(channel, sessionId, actor, msg, ip));
    const row = await this.sessions.get(sessionId);
    channel.send({
      type: 'welcome',
      session: { state: SessionState.parse(row.state), agency: this.agency, recorded: true },
      iceServers: this.iceServers,
    });
    if (!['ended', 'expired'].includes(row.state)) void this.media.prepare(sessionId);
  }

  private async handle(
    channel: CallerChannel,
    sessionId: string,
    actor: Actor,
    msg: CallerToServer,
    ip: string | null,
  ) {
    switch (msg.type) {
      case 'consent':
        await this.sessions.recordConsent(sessionId, msg.decision, ip);
        channel.send({ type: 'consent.recorded', decision: msg.decision });
        return;
      case 'publish.offer': {
        const sdp = await this.media.publish(sessionId, msg.sdp);
        channel.send({ type: 'publish.answer', sdp });
        return;
      }
      case 'publish.candidate':
        await this.media.addPublisherCandidate(sessionId, msg.candidate);
        return;
      case 'location.fix':
        await this.sessions.requireConsented(sessionId);
        await this.location.add(sessionId, msg.fix);
        return;
      case 'permission':
        await this.sessions.addEvent(sessionId, `permission.${msg.kind}.${msg.state}`, 'caller', null);
        return;
      case 'stop':
        await this.sessions.end(sessionId, 'caller_stopped', actor, ip);
        return;
      case 'ping':
        channel.send({ type: 'pong' });
        return;
    }
  }

  closeAll(): void {
    for (const c of this.#sockets.values()) c.close(CloseCode.shuttingDown, 'server shutting down');
  }
}
