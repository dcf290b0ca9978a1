import type { IceServer, IceTransportPolicy } from '@sightline/protocol';
import { type Clock, systemClock } from '../adapters/clock.js';
import { turnCredential } from './turn-credentials.js';

/** The TURN server(s) of the force, sharing one `static-auth-secret` with coturn. */
export interface TurnSettings {
  /** turn: / turns: URLs, e.g. turn:turn.example.police.uk:3478?transport=udp. */
  urls: string[];
  secret: string;
  ttlSeconds: number;
}

export interface IceSettings {
  /** SIGHTLINE_ICE_SERVERS: STUN (never a TURN password: config refuses those). */
  staticServers: IceServer[];
  turn: TurnSettings | null;
  /** `relay`: the caller's page sends media only through TURN, so its address never reaches Janus. */
  callerPolicy: IceTransportPolicy;
}

/** ICE servers for one browser, and when their TURN credential stops opening allocations. */
export interface IceGrant {
  iceServers: IceServer[];
  /** Epoch ms; null when no TURN is configured (nothing expires). */
  expiresAt: number | null;
}

/** Never renew more often than this, however short the TTL. */
const MIN_RENEW_MS = 5_000;

/**
 * Issues the ICE servers each browser gets: the static STUN servers plus, with TURN
 * configured, a TURN REST credential of its own (per caller session, per officer), so a
 * leaked credential names its holder and dies on its own. coturn checks the expiry only
 * when an allocation is opened (coturn/coturn#774), so a call in progress outlives its
 * credential; what must be fresh is the credential a reconnect or republish uses, which
 * keepFresh() sees to.
 */
export class IceServerIssuer {
  constructor(
    private readonly settings: IceSettings,
    private readonly clock: Clock = systemClock,
  ) {}

  get callerPolicy(): IceTransportPolicy {
    return this.settings.callerPolicy;
  }

  /** A caller's servers: the id part is the session id (never the phone number). */
  forCaller(sessionId: string): IceGrant {
    return this.grant(`c-${sessionId}`);
  }

  /** An officer's servers, for live video and the officer camera. */
  forOfficer(officerId: string): IceGrant {
    return this.grant(`o-${officerId}`);
  }

  /** An interpreter's servers, by their invitation's id (issue 13). */
  forInterpreter(interpreterId: string): IceGrant {
    return this.grant(`i-${interpreterId}`);
  }

  /** STUN only: for a browser that will make no media connection (no relay to hand out). */
  withoutTurn(): IceGrant {
    return { iceServers: [...this.settings.staticServers], expiresAt: null };
  }

  /** Only the TURN servers, for an admin's "test from this browser"; null without TURN. */
  forCheck(officerId: string): IceGrant | null {
    const turn = this.settings.turn;
    if (!turn) return null;
    const { iceServers, expiresAt } = this.grant(`check-${officerId}`);
    return { iceServers: iceServers.filter((s) => s.username !== undefined), expiresAt };
  }

  /** What the settings page shows: never the secret. */
  describe() {
    const turn = this.settings.turn;
    return {
      turnConfigured: turn !== null,
      turnUrls: turn?.urls ?? [],
      ttlSeconds: turn?.ttlSeconds ?? null,
      callerPolicy: this.settings.callerPolicy,
      stunUrls: this.settings.staticServers.flatMap((s) => [s.urls].flat()),
    };
  }

  /**
   * Sends `send` a fresh grant at each half-life of the last one, until the returned
   * function is called (the socket closed). Nothing to do without TURN.
   */
  keepFresh(first: IceGrant, reissue: () => IceGrant, send: (grant: IceGrant) => void): () => void {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const schedule = (grant: IceGrant) => {
      if (grant.expiresAt === null) return;
      const wait = Math.max(MIN_RENEW_MS, Math.floor((grant.expiresAt - this.clock.now()) / 2));
      timer = setTimeout(() => {
        const next = reissue();
        send(next);
        schedule(next);
      }, wait);
      timer.unref?.();
    };
    schedule(first);
    return () => {
      if (timer) clearTimeout(timer);
      timer = null;
    };
  }

  private grant(id: string): IceGrant {
    const turn = this.settings.turn;
    const servers = [...this.settings.staticServers];
    if (!turn) return { iceServers: servers, expiresAt: null };
    const expiresAtSeconds = Math.floor(this.clock.now() / 1000) + turn.ttlSeconds;
    const { username, credential } = turnCredential(turn.secret, id, expiresAtSeconds);
    servers.push({ urls: turn.urls, username, credential });
    return { iceServers: servers, expiresAt: expiresAtSeconds * 1000 };
  }
}
