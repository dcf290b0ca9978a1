import {
  type CallerToServer,
  CallerToServer as CallerToServerSchema,
  InterpreterKind,
  Language,
  type ServerToCaller,
  SessionMode,
  SessionState,
} from '@sightline/protocol';
import type { WebSocket } from 'ws';
import { type Clock, systemClock } from '../adapters/clock.js';
import type { Actor } from '../audit/audit.service.js';
import type { ChatService } from '../chat/chat.service.js';
import type { EventBus } from '../events/event-bus.js';
import type { IceServerIssuer } from '../ice/ice-servers.js';
import type { InterpreterService } from '../interpreters/interpreter.service.js';
import { DomainError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { LocationService } from '../location/location.service.js';
import { viewKey } from '../media/interpreter-media.js';
import type { MediaGateway } from '../media/media-gateway.js';
import type { ConsentTextService, ShownText } from '../privacy/consent-text.service.js';
import type { SessionService } from '../sessions/session.service.js';
import { CallerLimiter, type ThrottleKind } from './caller-limits.js';
import type { CallerSide } from './officer-requests.js';
import { CloseCode, type Lane, SocketChannel } from './socket-channel.js';

type CallerChannel = SocketChannel<CallerToServer, ServerToCaller>;

/** How far back a phone may date a tracking stop (a stop found offline is told later). */
const TRACKING_SINCE_MAX_MS = 24 * 60 * 60_000;

const THROTTLED: Record<ThrottleKind, string> = {
  chat: 'You are sending messages too fast. Wait a few seconds, then send again.',
  messages: 'Your phone is sending too much too fast. Wait a few seconds.',
};

/**
 * The caller side of signalling: one socket per session (a newer one replaces an older one).
 * What must reach the caller's socket comes as events, from whichever instance it happened on:
 * the session's end, chat, officers' requests, the officer's video, a republish.
 */
export class CallerSignalling {
  readonly #sockets = new Map<string, CallerChannel>();
  /** Sockets accepted so far, to name each connection in the logs. */
  #connections = 0;
  /** Per session, not per socket: reconnecting does not refill the allowance. */
  readonly #limits = new Map<string, CallerLimiter>();

  constructor(
    private readonly sessions: SessionService,
    private readonly media: MediaGateway,
    private readonly location: LocationService,
    private readonly agency: string | null,
    private readonly ice: IceServerIssuer,
    private readonly maxUploadBytes: number,
    private readonly chat: ChatService,
    private readonly side: CallerSide,
    private readonly log: Logger,
    events: EventBus,
    private readonly clock: Clock = systemClock,
    /** Whether VP8 callers publish simulcast layers (config SIGHTLINE_SIMULCAST). */
    private readonly simulcast = true,
    /** Interpreters in the call (issue 13): the caller may decline them. */
    private readonly interpreters: Pick<InterpreterService, 'declineByCaller' | 'joinedIn'> | null = null,
    /** The consent screen's and privacy notice's words; null: the page shows its own (tests). */
    private readonly texts: ConsentTextService | null = null,
  ) {
    events.subscribe('session.ended', ({ sessionId, reason }) => {
      this.#limits.delete(sessionId);
      const channel = this.#sockets.get(sessionId);
      channel?.send({ type: 'session.ended', reason });
      channel?.close(CloseCode.sessionEnded, 'session ended');
      this.location.forget(sessionId);
    });
    events.subscribe('chat.message', ({ sessionId, message }) =>
      this.#sockets.get(sessionId)?.send({ type: 'chat.message', message }),
    );
    events.subscribe('chat.status', (u) => {
      if (u.from === 'caller')
        this.#sockets
          .get(u.sessionId)
          ?.send({ type: 'chat.status', id: u.id, clientId: u.clientId, state: u.state, at: u.at });
    });
    events.subscribe('caller.request', ({ sessionId, requestId, action, officerName }) =>
      this.#sockets.get(sessionId)?.send({ type: 'officer.request', requestId, action, officerName }),
    );
    events.subscribe('media.officerVideo', ({ sessionId, live }) => this.offerOfficerVideo(sessionId, live));
    // An interpreter in the call: the caller is told plainly, sees and hears them, and may decline.
    events.subscribe('interpreter.joined', ({ sessionId, kind, language }) =>
      this.#sockets.get(sessionId)?.send({ type: 'interpreter.joined', kind, language }),
    );
    events.subscribe('interpreter.ended', ({ sessionId }) =>
      this.#sockets.get(sessionId)?.send({ type: 'interpreter.left' }),
    );
    events.subscribe('media.feed', ({ sessionId, feed, live }) => {
      if (feed === 'interpreter') void this.offerInterpreterVideo(sessionId, live);
    });
    events.subscribe('media.republishNeeded', ({ sessionId }) => {
      this.#sockets.get(sessionId)?.send({ type: 'media.restart', reason: 'the media server restarted' });
    });
  }

  /** Serves an authenticated caller's socket. */
  async accept(socket: WebSocket, sessionId: string, ip: string | null): Promise<void> {
    const channel: CallerChannel = new SocketChannel(
      socket,
      CallerToServerSchema,
      this.log.child({ sessionId }),
      { sessionId, connId: `caller-${++this.#connections}` },
    );
    this.#sockets.get(sessionId)?.close(CloseCode.replaced, 'opened elsewhere');
    this.#sockets.set(sessionId, channel);
    this.media.callerLink(sessionId, true);
    let stopIce = () => {};
    socket.on('close', () => {
      stopIce();
      if (this.#sockets.get(sessionId) !== channel) return;
      this.#sockets.delete(sessionId);
      // Not a stop by itself (a phone changing network reconnects in seconds and its media
      // may never pause); it tells the media side why, if the video stops too.
      this.media.callerLink(sessionId, false);
    });
    const actor: Actor = { type: 'caller', sessionId };
    channel.listen(
      (msg) => this.handle(channel, sessionId, actor, msg, ip),
      (msg) => this.admit(channel, sessionId, msg),
      callerLane,
    );
    const row = await this.sessions.get(sessionId);
    const iceTransportPolicy = this.ice.callerPolicy;
    // A relay only for a page that can still send video: a location-only link or a session
    // that is over makes no media connection, and its link stays valid for a while yet.
    const publishes = row.mode !== 'location' && !['ended', 'expired'].includes(row.state);
    const grant = publishes ? this.ice.forCaller(sessionId) : this.ice.withoutTurn();
    // Fresh TURN credentials for as long as the socket lives: a republish hours into a call
    // (or after a network change) must not present an expired one.
    if (publishes && socket.readyState === socket.OPEN)
      stopIce = this.ice.keepFresh(
        grant,
        () => this.ice.forCaller(sessionId),
        (g) => channel.send({ type: 'ice.servers', iceServers: g.iceServers, iceTransportPolicy }),
      );
    channel.send({
      type: 'welcome',
      session: {
        state: SessionState.parse(row.state),
        mode: SessionMode.parse(row.mode),
        language: Language.parse(row.language),
        verificationCode: row.verification_code,
        locationMinutes: row.location_minutes === null ? null : Number(row.location_minutes),
        locationUntil: row.location_until === null ? null : Number(row.location_until),
        maxUploadBytes: this.maxUploadBytes,
        agency: this.agency,
        recorded: true,
      },
      iceServers: grant.iceServers,
      iceTransportPolicy,
      simulcast: this.simulcast,
    });
    channel.send({ type: 'chat.history', messages: await this.chat.history(sessionId) });
    if (!['ended', 'expired'].includes(row.state) && row.mode !== 'location') {
      void this.media.prepare(sessionId);
      await this.tellInterpreter(channel, sessionId);
    }
  }

  /**
   * A page that (re)connects mid-call missed `interpreter.joined` and the interpreter's video
   * offer (both pushed once, as events): told again here, and offered the video if it is up.
   */
  private async tellInterpreter(channel: CallerChannel, sessionId: string): Promise<void> {
    const joined = await this.interpreters?.joinedIn(sessionId);
    if (!joined || this.#sockets.get(sessionId) !== channel) return;
    channel.send({
      type: 'interpreter.joined',
      kind: InterpreterKind.parse(joined.kind),
      language: joined.language,
    });
    // Their camera may not be up yet: then the media.feed event offers it when it is.
    await this.offerInterpreterVideo(sessionId, true, true);
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
        await this.sessions.recordConsent(sessionId, msg.decision, ip, await this.shownText(sessionId, msg));
        channel.send({ type: 'consent.recorded', decision: msg.decision });
        return;
      case 'privacy.get': {
        if (!this.texts) return;
        const row = await this.sessions.get(sessionId);
        const minutes = row.location_minutes === null ? null : Number(row.location_minutes);
        const served = await this.texts.serve(msg.language, SessionMode.parse(row.mode), minutes);
        channel.send({ type: 'privacy.text', version: served.version, text: served.text });
        return;
      }
      case 'publish.offer': {
        // A restart offer still queued on a socket the page has since replaced belongs to the
        // connection that socket served; applied now it could renegotiate a newer publisher.
        if (msg.iceRestart && this.#sockets.get(sessionId) !== channel)
          throw new DomainError('not_publishing', 'this connection has been replaced; publish afresh');
        const sdp = msg.iceRestart
          ? await this.media.restartPublisherIce(sessionId, msg.sdp)
          : await this.media.publish(sessionId, msg.sdp, msg.platform);
        channel.send({ type: 'publish.answer', sdp, ...(msg.id ? { offerId: msg.id } : {}) });
        return;
      }
      case 'publish.candidate':
        await this.media.addPublisherCandidate(sessionId, msg.candidate);
        return;
      case 'location.fix': {
        const row = await this.sessions.requireConsented(sessionId);
        await this.location.add(sessionId, msg.fix);
        // Stored now or before: either way the page's device copy may let it go.
        channel.send({ type: 'location.stored', fixTime: msg.fix.fixTime });
        if (row.mode === 'location' && row.state === 'consented')
          await this.sessions.locationSharing(sessionId);
        return;
      }
      case 'location.status': {
        await this.sessions.requireConsented(sessionId);
        // The phone's clock dates the stop (it may be told only once back online), but never
        // into the future nor before the day's window.
        const now = this.clock.now();
        const at = Math.min(now, Math.max(now - TRACKING_SINCE_MAX_MS, msg.since));
        const type = msg.stopped ? 'tracking.stopped' : 'tracking.resumed';
        await this.sessions.addEvent(sessionId, type, 'caller', msg.stopped, at);
        return;
      }
      case 'permission':
        await this.sessions.addEvent(sessionId, `permission.${msg.kind}.${msg.state}`, 'caller', null);
        return;
      case 'stop':
        await this.sessions.end(sessionId, 'caller_stopped', actor, ip);
        return;
      case 'ping':
        channel.send({ type: 'pong' });
        return;
      case 'chat.send':
        await this.chat.send(
          sessionId,
          { from: 'caller' },
          { clientId: msg.clientId, text: msg.text, sentAt: msg.sentAt },
        );
        return;
      case 'chat.receipt':
        await this.chat.receipt(sessionId, 'caller', msg.ids, msg.state);
        return;
      case 'request.answer':
        await this.side.answer(sessionId, msg.requestId, msg.accepted);
        return;
      case 'media.state':
        await this.side.media(sessionId, msg.state);
        return;
      case 'quality':
        await this.side.quality(sessionId, msg.level, msg.kbps);
        return;
      case 'officer-view.answer':
        await this.media.callerViewAnswer(sessionId, msg.sdp);
        return;
      case 'officer-view.candidate':
        await this.media.callerViewCandidate(sessionId, msg.candidate);
        return;
      case 'interpreter-view.answer':
        await this.media.interpreterMedia(sessionId, {
          op: 'view.answer',
          key: viewKey.caller,
          sdp: msg.sdp,
        });
        return;
      case 'interpreter-view.candidate':
        await this.media.interpreterMedia(sessionId, {
          op: 'view.candidate',
          key: viewKey.caller,
          candidate: msg.candidate,
        });
        return;
      case 'interpreter.decline':
        await this.interpreters?.declineByCaller(sessionId, ip);
        return;
    }
  }

  /**
   * The text a decision was made on, checked to be one this server served in that language for
   * this link; null from a page that names none (one loaded before versions existed).
   */
  private async shownText(
    sessionId: string,
    msg: Extract<CallerToServer, { type: 'consent' }>,
  ): Promise<ShownText | null> {
    if (!msg.language || !msg.textVersion || !this.texts) return null;
    const shown = { language: msg.language, version: msg.textVersion };
    await this.texts.check(shown, SessionMode.parse((await this.sessions.get(sessionId)).mode));
    return shown;
  }

  /**
   * Per-caller limits (caller-limits.ts). A refused message gets a `rate_limited` error
   * the page can show; the console's timeline says so once per burst, so a flood cannot
   * flood the record either.
   */
  private admit(channel: CallerChannel, sessionId: string, msg: CallerToServer): boolean {
    let limiter = this.#limits.get(sessionId);
    if (!limiter) {
      limiter = new CallerLimiter(() => this.clock.now());
      this.#limits.set(sessionId, limiter);
    }
    const hit = limiter.check(msg);
    if (!hit) return true;
    channel.error('rate_limited', THROTTLED[hit], msg.id);
    if (limiter.shouldNotice(hit)) {
      const what = hit === 'chat' ? 'chat messages' : 'messages from the phone';
      void this.sessions
        .addEvent(sessionId, 'caller.throttled', 'caller', `${what} refused: sending too fast`)
        .catch((err: unknown) => this.log.warn({ err, sessionId }, 'signalling: could not note throttling'));
    }
    return false;
  }

  /** Two-way: offers the officer's camera to the caller as soon as it is up (or says it stopped). */
  private async offerOfficerVideo(sessionId: string, live: boolean): Promise<void> {
    const channel = this.#sockets.get(sessionId);
    if (!channel) return;
    if (!live) return channel.send({ type: 'officer-view.ended' });
    try {
      channel.send({ type: 'officer-view.offer', sdp: await this.media.callerViewOffer(sessionId) });
    } catch (err) {
      this.log.warn({ err, sessionId }, 'signalling: could not offer the officer video to the caller');
    }
  }

  /** Offers the interpreter's camera to the caller as soon as it is up (or says it stopped). */
  private async offerInterpreterVideo(sessionId: string, live: boolean, quiet = false): Promise<void> {
    const channel = this.#sockets.get(sessionId);
    if (!channel) return;
    if (!live) return channel.send({ type: 'interpreter-view.ended' });
    try {
      const sdp = await this.media.interpreterMedia(sessionId, {
        op: 'view.offer',
        key: viewKey.caller,
        feed: 'interpreter',
      });
      if (sdp) channel.send({ type: 'interpreter-view.offer', sdp });
    } catch (err) {
      if (!quiet)
        this.log.warn({ err, sessionId }, 'signalling: could not offer the interpreter video to the caller');
    }
  }

  closeAll(): void {
    for (const c of this.#sockets.values()) c.close(CloseCode.shuttingDown, 'server shutting down');
  }
}

/**
 * The caller's media signalling (their offer and candidates, their views of the officer and
 * the interpreter) has its own lane: tapping Start also sends permission states and a first
 * location fix, and the offer must not wait behind those timeline writes (measured: 25–50 ms
 * of time to first frame). Consent, stop and declining the interpreter are barriers: an offer
 * never overtakes the consent it depends on, and nothing of the call's media runs beside
 * what ends it.
 */
export function callerLane(msg: CallerToServer): Lane {
  if (BARRIERS.has(msg.type)) return 'all';
  return MEDIA_LANE.has(msg.type) ? 'media' : 'main';
}

/**
 * What media-lane messages depend on or that ends them: consent, the caller's stop, declining the
 * interpreter. And ping: its pong says everything sent before it has been handled, on both lanes,
 * as it did before there were lanes (the page's liveness check and the tests rely on that).
 */
const BARRIERS: ReadonlySet<CallerToServer['type']> = new Set([
  'consent',
  'stop',
  'interpreter.decline',
  'ping',
]);

const MEDIA_LANE: ReadonlySet<CallerToServer['type']> = new Set([
  'publish.offer',
  'publish.candidate',
  'officer-view.answer',
  'officer-view.candidate',
  'interpreter-view.answer',
  'interpreter-view.candidate',
]);
