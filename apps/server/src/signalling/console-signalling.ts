import { randomUUID } from 'node:crypto';
import {
  type ConsoleToServer,
  ConsoleToServer as ConsoleToServerSchema,
  type MediaPlaneStatus,
  type OfficerView,
  type ServerToConsole,
  type StorageStatus,
} from '@sightline/protocol';
import type { WebSocket } from 'ws';
import type { AmlService } from '../aml/aml.service.js';
import type { ReadAudit } from '../audit/read-audit.js';
import { can } from '../auth/permissions.js';
import type { ChatService } from '../chat/chat.service.js';
import type { EventBus } from '../events/event-bus.js';
import type { IceServerIssuer } from '../ice/ice-servers.js';
import { DomainError, forbidden } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { viewKey } from '../media/interpreter-media.js';
import type { MediaGateway } from '../media/media-gateway.js';
import type { PresenceRegistry } from '../presence/presence-registry.js';
import type { SessionService } from '../sessions/session.service.js';
import { type ShareService, toFieldSession } from '../shares/share.service.js';
import { assertConsolePolicy, permissionFor } from './console-policy.js';
import type { CallerSide } from './officer-requests.js';
import { SharedWatch } from './shared-watch.js';
import { CloseCode, SocketChannel } from './socket-channel.js';

interface ConsoleClient {
  /** This connection's name in the presence registry. */
  id: string;
  channel: SocketChannel<ConsoleToServer, ServerToConsole>;
  officer: OfficerView;
  watched: Set<string>;
  views: Set<string>;
  /** The address the socket connected from, for audit entries. */
  ip: string | null;
  /** Set when the server dropped it: messages still in flight are ignored. */
  dropped: boolean;
  /** Sessions a field officer watches through a share (never a control-room officer's). */
  shared: SharedWatch;
  /** Sessions whose interpreter this console watches (one view each, keyed by this connection). */
  interpreterViews: Set<string>;
}

/** What a live share lets a field officer do with its session: watch it, and see its video. */
const SHARE_GRANTS: ReadonlySet<ConsoleToServer['type']> = new Set(['watch', 'view.start']);

/** Above this much unsent data a console is too slow; location fixes to it are skipped, not queued. */
const SLOW_CONSOLE_BYTES = 1024 * 1024;

/**
 * The officer side of signalling: live session list, per-session watch, and video views.
 * Everything a console shows arrives as an event, from this instance or another (the
 * caller may be connected elsewhere); views are started through the MediaGateway, which
 * reaches the instance holding the session's media.
 */
export class ConsoleSignalling {
  readonly #clients = new Set<ConsoleClient>();
  #storage: StorageStatus | null = null;

  constructor(
    private readonly sessions: SessionService,
    private readonly media: MediaGateway,
    /** This instance's media server health, for a console's hello. */
    private readonly mediaStatus: () => MediaPlaneStatus,
    private readonly ice: IceServerIssuer,
    events: EventBus,
    private readonly chat: ChatService,
    private readonly side: CallerSide,
    private readonly log: Logger,
    private readonly reads: ReadAudit,
    private readonly presence: PresenceRegistry,
    private readonly shares: ShareService,
    /** The session's newest network location (AML), sent on watch. */
    private readonly aml: Pick<AmlService, 'latest'>,
  ) {
    assertConsolePolicy();
    const on = events.subscribe.bind(events);
    // Timeline, chat and evidence go to the control room only; a share shows the caller's
    // picture, position and media state, never their words or records.
    const watching = (sessionId: string) => (c: ConsoleClient) =>
      c.watched.has(sessionId) && !c.shared.has(sessionId);
    const seesCaller = (sessionId: string) => (c: ConsoleClient) => c.watched.has(sessionId);
    const controlRoom = (sessionId: string) => (c: ConsoleClient) =>
      c.watched.has(sessionId) && can(c.officer.roles, 'session:read');
    on('session.updated', ({ session }) => {
      this.broadcast({ type: 'session.updated', session }, (c) => can(c.officer.roles, 'session:read'));
      for (const c of this.#clients) {
        const shareId = c.shared.shareOf(session.id);
        if (shareId) c.channel.send({ type: 'field.session', shareId, session: toFieldSession(session) });
      }
    });
    on('session.event', ({ sessionId, event }) =>
      this.broadcast({ type: 'session.event', sessionId, event }, watching(sessionId)),
    );
    on('location.fix', ({ sessionId, fix }) =>
      this.broadcast(
        { type: 'location.fix', sessionId, fix },
        (c) => seesCaller(sessionId)(c) && c.channel.socket.bufferedAmount < SLOW_CONSOLE_BYTES,
      ),
    );
    // Network location: personal data of the caller, to the control room only (like the timeline).
    on('aml.fix', ({ sessionId, fix, comparison }) =>
      this.broadcast({ type: 'aml.fix', sessionId, fix, comparison }, controlRoom(sessionId)),
    );
    on('evidence.updated', ({ sessionId }) =>
      this.broadcast({ type: 'evidence.updated', sessionId }, watching(sessionId)),
    );
    on('chat.message', ({ sessionId, message }) =>
      this.broadcast({ type: 'chat.message', sessionId, message }, watching(sessionId)),
    );
    on('chat.status', ({ sessionId, id, clientId, state, at }) =>
      this.broadcast({ type: 'chat.status', sessionId, id, clientId, state, at }, watching(sessionId)),
    );
    on('caller.answered', ({ sessionId, requestId, action, accepted }) =>
      this.broadcast(
        { type: 'request.answered', sessionId, requestId, action, accepted },
        watching(sessionId),
      ),
    );
    // An interpreter's camera: to the control room watching the session, which then asks to see it.
    on('media.feed', ({ sessionId, feed, live }) => {
      if (feed !== 'interpreter') return;
      this.broadcast(
        { type: 'interpreter.video', sessionId, live },
        (c) => watching(sessionId)(c) && can(c.officer.roles, 'session:view-live'),
      );
    });
    on('caller.media', ({ sessionId, state }) =>
      this.broadcast({ type: 'caller.media', sessionId, state }, seesCaller(sessionId)),
    );
    on('caller.quality', ({ sessionId, level, kbps }) =>
      this.broadcast({ type: 'caller.quality', sessionId, level, kbps }, seesCaller(sessionId)),
    );
    // Presence goes to whoever has the session open or may list it; never to a role that cannot read it.
    presence.onChange((sessionId, watchers) =>
      this.broadcast(
        { type: 'presence', sessionId, watchers: [...watchers] },
        (c) => c.watched.has(sessionId) || can(c.officer.roles, 'session:read'),
      ),
    );
    // A field officer's position: to the control room watching the session, never to a caller
    // or to other field officers.
    on('officer.position', ({ sessionId, position }) =>
      this.broadcast({ type: 'officer.position', sessionId, position }, controlRoom(sessionId)),
    );
    // Revoked or run out: the field officer's view under the share closes at once, on whichever
    // instance their console is; the control room's share list and map follow.
    on('share.changed', ({ shareId, officerId, sessionId, incidentId, endReason }) => {
      const msg = {
        type: 'share.changed',
        shareId,
        sessionId,
        incidentId: incidentId ?? null,
        endReason,
      } as const;
      for (const c of this.#clients) {
        if (c.officer.id === officerId) {
          // Ending a watched share tells the page itself (with its views closed); otherwise say it here.
          const ended = !endReason
            ? false
            : sessionId
              ? c.shared.end(sessionId, shareId, endReason)
              : c.shared.endShare(shareId, endReason) > 0;
          if (!ended) c.channel.send(msg);
        } else if (sessionId && controlRoom(sessionId)(c)) {
          c.channel.send(msg);
          if (endReason) c.channel.send({ type: 'officer.position.gone', sessionId, shareId });
        } else if (incidentId && can(c.officer.roles, 'incident:read')) {
          // An incident share: the incident page's share list, and its officer off every map.
          c.channel.send(msg);
          if (endReason && can(c.officer.roles, 'session:read'))
            for (const watched of c.watched)
              c.channel.send({ type: 'officer.position.gone', sessionId: watched, shareId });
        }
      }
    });
    on('media.status', ({ status }) => this.broadcast({ type: 'media.status', media: status }, () => true));
    on('view.ended', ({ viewId, ownerId, reason }) => {
      for (const c of this.#clients) {
        if (c.officer.id === ownerId && c.views.delete(viewId))
          c.channel.send({ type: 'view.ended', viewId, reason });
      }
    });
    // Signing out, a disabled account or a password reset ends the officer's open consoles at
    // once, on every instance; a role change too, since a socket holds the roles it connected with.
    on('officer.signedOut', ({ officerId, reason }) =>
      this.disconnectOfficer(officerId, CloseCode.signedOut, reason),
    );
    on('officer.rolesChanged', ({ officerId }) =>
      this.disconnectOfficer(officerId, CloseCode.rolesChanged, 'roles changed'),
    );
    on('job.updated', (job) =>
      this.broadcast(
        {
          type: 'job.updated',
          jobType: job.jobType === 'redaction' ? 'redaction' : 'export',
          jobId: job.jobId,
          state: job.state,
          done: Math.trunc(job.done),
          total: Math.trunc(job.total),
        },
        (c) => c.officer.id === job.requestedBy,
      ),
    );
    // Evidence store and spool health of this instance, for every console here.
    on('storage.changed', ({ status }) => {
      this.#storage = status;
      this.broadcast({ type: 'storage.status', storage: status }, () => true);
    });
    on('incident.updated', ({ incident }) => {
      this.broadcast({ type: 'incident.updated', incident }, (c) => can(c.officer.roles, 'incident:read'));
      // A session taken out of the incident: field officers watching it under a share of the
      // incident lose it at once, on whichever instance they are.
      for (const c of this.#clients) c.shared.incidentChanged(incident.id, incident.sessionIds);
      void this.tellIncidentShares(incident.id).catch((err: unknown) =>
        this.log.warn({ err }, 'console: telling incident shares failed'),
      );
    });
    on('outbox.changed', () =>
      this.broadcast({ type: 'outbox.updated' }, (c) => can(c.officer.roles, 'outbox:read')),
    );
  }

  /** Field officers holding a live share of the incident reload its callers (one was added or taken out). */
  private async tellIncidentShares(incidentId: string): Promise<void> {
    const field = [...this.#clients].filter((c) => can(c.officer.roles, 'share:use'));
    if (!field.length) return;
    for (const row of await this.shares.liveOfIncident(incidentId)) {
      const msg = {
        type: 'share.changed',
        shareId: row.id,
        sessionId: null,
        incidentId,
        endReason: null,
      } as const;
      for (const c of field) if (c.officer.id === row.officer_id) c.channel.send(msg);
    }
  }

  /**
   * Closes every console the officer has open, at once: signed out, disabled, or
   * roles changed (a socket holds the roles it connected with). Their live views end too.
   */
  disconnectOfficer(officerId: string, code: number, reason: string): void {
    for (const c of [...this.#clients]) {
      if (c.officer.id !== officerId) continue;
      c.channel.close(code, reason);
      this.drop(c, reason);
    }
  }

  /**
   * Closes the consoles whose officer has since been signed out, disabled or given other
   * roles by something this process did not hear about (the CLI, an expired sign-in).
   */
  async sweep(
    standing: (officerId: string) => Promise<{ ended: string | null; roles: readonly string[] }>,
  ): Promise<void> {
    const ids = new Set([...this.#clients].map((c) => c.officer.id));
    for (const id of ids) {
      const now = await standing(id);
      if (now.ended) {
        this.disconnectOfficer(id, CloseCode.signedOut, now.ended);
        continue;
      }
      const same = (roles: readonly string[]) =>
        roles.length === now.roles.length && roles.every((r) => now.roles.includes(r));
      if ([...this.#clients].some((c) => c.officer.id === id && !same(c.officer.roles)))
        this.disconnectOfficer(id, CloseCode.rolesChanged, 'roles changed');
    }
  }

  accept(socket: WebSocket, officer: OfficerView, ip: string | null = null): void {
    // Unique across instances, not just here: it keys this console's views in a session's media
    // room, which consoles on every instance share (a per-instance count let two collide).
    const id = randomUUID();
    const client: ConsoleClient = {
      id,
      channel: new SocketChannel(socket, ConsoleToServerSchema, this.log.child({ officer: officer.id }), {
        connId: `console-${id}`,
        officerId: officer.id,
      }),
      officer,
      watched: new Set(),
      views: new Set(),
      interpreterViews: new Set(),
      ip,
      dropped: false,
      shared: new SharedWatch((sessionId, shareId, views, reason) => {
        client.watched.delete(sessionId);
        void this.presence
          .leave(client.id, sessionId)
          .catch((err: unknown) => this.log.warn({ err }, 'console: leaving presence failed'));
        for (const v of views) client.views.delete(v);
        void this.media
          .stopViewsOf(officer.id, views, `share ${reason}`)
          .catch((err: unknown) => this.log.warn({ err }, 'console: stopping a shared view failed'));
        client.channel.send({ type: 'share.changed', shareId, sessionId, endReason: reason });
      }),
    };
    this.#clients.add(client);
    // Only officers who may watch live video (and send their camera) make media connections;
    // the others (admin, DPO) get no relay credential.
    const grant =
      can(officer.roles, 'session:view-live') || can(officer.roles, 'share:use')
        ? this.ice.forOfficer(officer.id)
        : this.ice.withoutTurn();
    // The officer's browser keeps valid TURN credentials for new views and its camera.
    const stopIce = this.ice.keepFresh(
      grant,
      () => this.ice.forOfficer(officer.id),
      (g) => client.channel.send({ type: 'ice.servers', iceServers: g.iceServers }),
    );
    socket.on('close', () => {
      stopIce();
      this.drop(client, 'console closed');
    });
    client.channel.listen(async (msg) => {
      if (!client.dropped) await this.handle(client, msg);
    });
    client.channel.send({ type: 'hello', officer, media: this.mediaStatus(), iceServers: grant.iceServers });
    if (this.#storage) client.channel.send({ type: 'storage.status', storage: this.#storage });
    // Lists show who is on each session: a console that may list them starts with the current picture.
    if (can(officer.roles, 'session:read')) {
      for (const [sessionId, watchers] of this.presence.snapshot())
        client.channel.send({ type: 'presence', sessionId, watchers: [...watchers] });
    }
  }

  private async handle(c: ConsoleClient, msg: ConsoleToServer): Promise<void> {
    const officer = { type: 'officer' as const, id: c.officer.id, name: c.officer.displayName };
    // The share a field officer's view.start goes through, checked again once the view exists.
    let viaShare: string | null = null;
    // One table decides, before any handler runs (the route policy's twin).
    const permission = permissionFor(msg.type);
    if (permission && !can(c.officer.roles, permission)) {
      // A field officer's only way in: a live share of this very session (audited as its use).
      const share =
        SHARE_GRANTS.has(msg.type) && 'sessionId' in msg && can(c.officer.roles, 'share:use')
          ? await this.shares.use(officer, msg.sessionId, c.ip)
          : null;
      if (!share) throw forbidden();
      if (msg.type === 'watch') {
        const summary = await this.sessions.summary(msg.sessionId);
        c.watched.add(msg.sessionId);
        c.shared.bind(msg.sessionId, share.id, this.shares.remainingMs(share), share.incident_id);
        c.channel.send({ type: 'field.session', shareId: share.id, session: toFieldSession(summary) });
        // The control room sees that a field officer is watching, like anyone else.
        await this.presence.join(c.id, msg.sessionId, officer);
        const now = await this.side.current(msg.sessionId);
        if (now.media) c.channel.send({ type: 'caller.media', sessionId: msg.sessionId, state: now.media });
        return;
      }
      // view.start: only while watching under the share, so the view closes with it.
      if (msg.type !== 'view.start' || !c.shared.has(msg.sessionId))
        throw forbidden('watch the shared session first');
      viaShare = c.shared.shareOf(msg.sessionId);
    }
    switch (msg.type) {
      case 'watch':
        await this.sessions.get(msg.sessionId);
        // Watching streams the caller's position, chat and timeline: a read of personal data.
        await this.reads.record({
          actor: officer,
          action: 'session.watch',
          subject: { type: 'session', id: msg.sessionId },
          ip: c.ip,
        });
        c.watched.add(msg.sessionId);
        await this.presence.join(c.id, msg.sessionId, officer);
        c.channel.send({
          type: 'presence',
          sessionId: msg.sessionId,
          watchers: [...this.presence.watchers(msg.sessionId)],
        });
        {
          // The phone reports its state only on a change; a console arriving later needs it now.
          const now = await this.side.current(msg.sessionId);
          if (now.media) c.channel.send({ type: 'caller.media', sessionId: msg.sessionId, state: now.media });
          if (now.quality)
            c.channel.send({ type: 'caller.quality', sessionId: msg.sessionId, ...now.quality });
          // Field officers sharing their position with this session, for the map.
          for (const position of await this.shares.positions(msg.sessionId))
            c.channel.send({ type: 'officer.position', sessionId: msg.sessionId, position });
          const aml = await this.aml.latest(msg.sessionId);
          if (aml) c.channel.send({ type: 'aml.fix', sessionId: msg.sessionId, ...aml });
        }
        return;
      case 'unwatch':
        c.watched.delete(msg.sessionId);
        await this.presence.leave(c.id, msg.sessionId);
        {
          // A field officer who stops watching stops the shared views too: they were only ever
          // allowed while the watch (and the share under it) lasts.
          const views = c.shared.forget(msg.sessionId);
          for (const v of views) c.views.delete(v);
          if (views.length > 0) await this.media.stopViewsOf(c.officer.id, views, 'stopped watching');
        }
        return;
      case 'view.start': {
        await this.sessions.get(msg.sessionId);
        // An adaptive viewer starts on the light layer and climbs once its link shows it can.
        const layer = msg.layer === 'auto' ? 'low' : msg.layer;
        const { viewId, sdp } = await this.media.startView(msg.sessionId, officer, layer);
        // The share may have ended (or been replaced) while Janus set the view up: nothing would
        // close this view with it, so it is stopped now rather than left running.
        if (viaShare !== null && c.shared.shareOf(msg.sessionId) !== viaShare) {
          await this.media.stopViewsOf(c.officer.id, [viewId], 'share ended');
          throw new DomainError('share_ended', 'this share has ended');
        }
        c.views.add(viewId);
        c.shared.addView(msg.sessionId, viewId);
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
      case 'view.layer':
        await this.media.setViewLayer(msg.viewId, c.officer.id, msg.layer);
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
      case 'chat.send':
        await this.chat.send(
          msg.sessionId,
          { from: 'officer', id: officer.id, name: officer.name },
          { clientId: msg.clientId, text: msg.text },
        );
        return;
      case 'chat.receipt':
        await this.chat.receipt(msg.sessionId, 'officer', msg.ids, msg.state);
        return;
      case 'request.send': {
        const requestId = await this.side.request(msg.sessionId, officer.name, msg.action);
        c.channel.send({
          type: 'request.sent',
          sessionId: msg.sessionId,
          requestId,
          action: msg.action,
          ...(msg.id ? { ref: msg.id } : {}),
        });
        return;
      }
      case 'officer.publish.offer': {
        const sdp = await this.media.officerPublish(msg.sessionId, officer, msg.sdp);
        c.channel.send({
          type: 'officer.publish.answer',
          sessionId: msg.sessionId,
          sdp,
          ...(msg.id ? { ref: msg.id } : {}),
        });
        return;
      }
      case 'officer.publish.candidate':
        await this.media.officerCandidate(msg.sessionId, msg.candidate);
        return;
      case 'officer.publish.stop':
        await this.media.officerStop(msg.sessionId, officer);
        return;
      case 'field.position':
        await this.shares.position(officer, msg.shareId, msg.fix, c.ip);
        return;
      case 'interpreter-view.start': {
        const key = viewKey.console(c.id);
        const sdp = await this.media.interpreterMedia(msg.sessionId, {
          op: 'view.offer',
          key,
          feed: 'interpreter',
        });
        c.interpreterViews.add(msg.sessionId);
        await this.reads.record({
          actor: officer,
          action: 'interpreter_view.start',
          subject: { type: 'session', id: msg.sessionId },
          ip: c.ip,
        });
        c.channel.send({
          type: 'interpreter-view.offer',
          sessionId: msg.sessionId,
          sdp: sdp ?? '',
          ...(msg.id ? { ref: msg.id } : {}),
        });
        return;
      }
      case 'interpreter-view.answer':
        await this.media.interpreterMedia(msg.sessionId, {
          op: 'view.answer',
          key: viewKey.console(c.id),
          sdp: msg.sdp,
        });
        return;
      case 'interpreter-view.candidate':
        await this.media.interpreterMedia(msg.sessionId, {
          op: 'view.candidate',
          key: viewKey.console(c.id),
          candidate: msg.candidate,
        });
        return;
      case 'interpreter-view.stop':
        c.interpreterViews.delete(msg.sessionId);
        await this.media.interpreterMedia(msg.sessionId, { op: 'view.stop', key: viewKey.console(c.id) });
        return;
    }
  }

  /** Forgets a console and ends its views; idempotent (the server's close is followed by the socket's). */
  private drop(client: ConsoleClient, reason: string): void {
    if (client.dropped) return;
    client.dropped = true;
    this.#clients.delete(client);
    void this.presence
      .drop(client.id)
      .catch((err: unknown) => this.log.warn({ err }, 'console: withdrawing presence failed'));
    client.shared.clear();
    void this.media
      .stopViewsOf(client.officer.id, client.views, reason)
      .catch((err: unknown) => this.log.warn({ err }, 'console: stopping views failed'));
    for (const sessionId of client.interpreterViews)
      void this.media
        .interpreterMedia(sessionId, { op: 'view.stop', key: viewKey.console(client.id) })
        .catch(() => {}); // the room may be gone already
  }

  private broadcast(msg: ServerToConsole, filter: (c: ConsoleClient) => boolean): void {
    for (const c of this.#clients) if (filter(c)) c.channel.send(msg);
  }

  closeAll(): void {
    for (const c of this.#clients) c.channel.close(CloseCode.shuttingDown, 'server shutting down');
  }
}
