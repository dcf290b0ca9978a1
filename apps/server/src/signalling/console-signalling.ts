import {
  type ConsoleToServer,
  ConsoleToServer as ConsoleToServerSchema,
  type IceServer,
  type OfficerView,
  type ServerToConsole,
} from '@sightline/protocol';
import type { WebSocket } from 'ws';
import { can, type Permission } from '../auth/permissions.js';
import type { EvidenceService } from '../evidence/evidence.service.js';
import { forbidden } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { LocationService } from '../location/location.service.js';
import type { MediaService } from '../media/media.service.js';
import type { MediaPlane } from '../media/media-plane.js';
import type { SessionService } from '../sessions/session.service.js';
import { CloseCode, SocketChannel } from './socket-channel.js';

interface ConsoleClient {
  channel: SocketChannel<ConsoleToServer, ServerToConsole>;
  officer: OfficerView;
  watched: Set<string>;
  views: Set<string>;
}

/** Above this much unsent data a console is too slow; location fixes to it are skipped, not queued. */
const SLOW_CONSOLE_BYTES = 1024 * 1024;

/** The officer side of signalling: live session list, per-session watch, and video views. */
export class ConsoleSignalling {
  readonly #clients = new Set<ConsoleClient>();

  constructor(
    private readonly sessions: SessionService,
    private readonly media: MediaService,
    private readonly plane: MediaPlane,
    private readonly iceServers: IceServer[],
    location: LocationService,
    evidence: EvidenceService,
    private readonly log: Logger,
  ) {
    sessions.on('updated', (session) =>
      this.broadcast({ type: 'session.updated', session }, (c) => can(c.officer.roles, 'session:read')),
    );
    sessions.on('event', (sessionId, event) =>
      this.broadcast({ type: 'session.event', sessionId, event }, (c) => c.watched.has(sessionId)),
    );
    location.on('fix', (sessionId, fix) =>
      this.broadcast(
        { type: 'location.fix', sessionId, fix },
        (c) => c.watched.has(sessionId) && c.channel.socket.bufferedAmount < SLOW_CONSOLE_BYTES,
      ),
    );
    evidence.on('updated', (sessionId) =>
      this.broadcast({ type: 'evidence.updated', sessionId }, (c) => c.watched.has(sessionId)),
    );
    plane.on('status', (status) => this.broadcast({ type: 'media.status', media: status }, () => true));
    media.on('viewEnded', (viewId, ownerId, reason) => {
      for (const c of this.#clients) {
        if (c.officer.id === ownerId && c.views.delete(viewId))
          c.channel.send({ type: 'view.ended', viewId, reason });
      }
    });
  }

  /** Sends a message to every console the given officer has open. */
  notifyOfficer(officerId: string, msg: ServerToConsole): void {
    this.broadcast(msg, (c) => c.officer.id === officerId);
  }

  /** Tells consoles that may read the outbox that it changed. */
  outboxChanged(): void {
    this.broadcast({ type: 'outbox.updated' }, (c) => can(c.officer.roles, 'outbox:read'));
  }

  accept(socket: WebSocket, officer: OfficerView): void {
    const client: ConsoleClient = {
      channel: new SocketChannel(socket, ConsoleToServerSchema, this.log.child({ officer: officer.id })),
      officer,
      watched: new Set(),
      views: new Set(),
    };
    this.#clients.add(client);
    socket.on('close', () => {
      this.#clients.delete(client);
      void this.media
        .stopViewsOf(officer.id, client.views, 'console closed')
        .catch((err: unknown) => this.log.warn({ err }, 'console: stopping views failed'));
    });
    client.channel.listen((msg) => this.handle(client, msg));
    client.channel.send({ type: 'hello', officer, media: this.plane.status, iceServers: this.iceServers });
  }

  private async handle(c: ConsoleClient, msg: ConsoleToServer): Promise<void> {
    const officer = { type: 'officer' as const, id: c.officer.id, name: c.officer.displayName };
    switch (msg.type) {
      case 'watch':
        require(c, 'session:read');
        await this.sessions.get(msg.sessionId);
        c.watched.add(msg.sessionId);
        return;
      case 'unwatch':
        c.watched.delete(msg.sessionId);
        return;
      case 'view.start': {
        require(c, 'session:view-live');
        await this.sessions.get(msg.sessionId);
        const { viewId, sdp } = await this.media.startView(msg.sessionId, officer);
        c.views.add(viewId);
        c.channel.send({
          type: 'view.offer',
          viewId,
          sessionId: msg.sessionId,
          sdp,
          ...(msg.id ? { ref: msg.id } : {}),
        });
        return;
      }
      case 'view.answer':
        await this.media.answerView(msg.viewId, c.officer.id, msg.sdp);
        return;
      case 'view.candidate':
        await this.media.addViewerCandidate(msg.viewId, c.officer.id, msg.candidate);
        return;
      case 'view.stop':
        await this.media.stopView(msg.viewId, c.officer.id, 'stopped by officer');
        return;
      case 'ping':
        c.channel.send({ type: 'pong' });
        return;
    }
  }

  private broadcast(msg: ServerToConsole, filter: (c: ConsoleClient) => boolean): void {
    for (const c of this.#clients) if (filter(c)) c.channel.send(msg);
  }

  closeAll(): void {
    for (const c of this.#clients) c.channel.close(CloseCode.shuttingDown, 'server shutting down');
  }
}

function require(c: ConsoleClient, permission: Permission): void {
  if (!can(c.officer.roles, permission)) throw forbidden();
}
