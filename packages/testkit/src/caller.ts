import WebSocket from 'ws';
import { publisherOffer, type RtpSource } from './synthetic.js';

/** The parts of an officer API client a synthetic call needs. */
export interface InviteApi {
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

export interface SyntheticCall {
  sessionId: string;
  ws: WebSocket;
  /** The caller's device cookie and address, for coming back as the same phone. */
  cookie: string;
  ip: string;
  /** Stops sending media and closes the caller's sockets. */
  hangUp(): void;
  /**
   * The phone dies (browser killed, battery): media stops and the socket is torn down
   * with no close frame. werift's close sends no DTLS alert or RTCP BYE, so Janus hears nothing.
   */
  vanish(): void;
  /** Media stops (true) or flows again (false) on the same connection and socket. */
  silence(on: boolean): void;
  /**
   * The phone's network changed: its socket comes back through `url` (another instance, or the
   * same) and it restarts ICE on the same connection, as the page does. Resolves with Janus's
   * answer; rejects with the server's error code (`not_publishing`: the page would publish
   * afresh). werift's restarted ICE does not get media flowing to Janus again (seen with Janus
   * 1.1.2), so this checks the signalling of a restart, not the picture after it.
   */
  restartIce(url: string): Promise<string>;
  /**
   * Publishes completed after the server said `media.restart` (its media node went away), as
   * the caller's page does; only with `{ republish: true }`.
   */
  readonly republished: number;
}

export interface CallOptions {
  /** Answer the server's `media.restart` with a fresh publish, as the real page does (off by default). */
  republish?: boolean;
}

let callers = 0;

/**
 * A whole call, as a phone would make it but headless: invite, claim the link
 * (from its own address via X-Forwarded-For when the server trusts a proxy),
 * consent, publish the looped clip, and wait for the answer.
 */
export async function syntheticCall(
  url: string,
  api: InviteApi,
  source: RtpSource,
  opts: CallOptions = {},
): Promise<SyntheticCall> {
  const { session, link } = await api.request<{ session: { id: string }; link: string }>(
    'POST',
    '/api/sessions',
    {
      phone: '07911 123456',
      reference: 'SYNTHETIC',
    },
  );
  const n = callers++;
  const ip = `10.250.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
  const res = await fetch(`${url}/api/join/open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ token: link.split('/j/')[1] }),
  });
  if (!res.ok) throw new Error(`link claim failed: ${res.status}`);
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('sl_caller='))!
    .split(';')[0]!;
  const c = await connectAndPublish(url, cookie, ip, source, true, opts);
  return {
    sessionId: session.id,
    get ws() {
      return c.ws;
    },
    cookie,
    ip,
    hangUp: c.close,
    vanish: c.vanish,
    silence: (on) => c.silence(on),
    restartIce: (via) => c.restartIce(via),
    get republished() {
      return c.republished;
    },
  };
}

/** The same phone comes back (a reload after a crash): a new socket and a new publish, no second consent. */
export async function rejoinCall(
  url: string,
  call: SyntheticCall,
  source: RtpSource,
): Promise<Omit<SyntheticCall, 'sessionId' | 'cookie' | 'ip' | 'republished' | 'restartIce'>> {
  const c = await connectAndPublish(url, call.cookie, call.ip, source, false, {});
  return { ws: c.ws, hangUp: c.close, vanish: c.vanish, silence: (on) => c.silence(on) };
}

async function connectAndPublish(
  url: string,
  cookie: string,
  ip: string,
  source: RtpSource,
  consent: boolean,
  opts: CallOptions,
) {
  let { ws, inbox, next } = callerSocket(url, cookie, ip);
  await next('welcome');
  if (consent) {
    ws.send(JSON.stringify({ type: 'consent', decision: 'accepted' }));
    await next('consent.recorded');
  }
  let offers = 0;
  const publish = async () => {
    const pub = await publisherOffer(source);
    const id = `offer-${++offers}`;
    try {
      ws.send(JSON.stringify({ type: 'publish.offer', id, sdp: pub.sdp }));
      const answer = await next('publish.answer');
      // The server names the offer it answers, so a page can ignore answers to offers it replaced.
      if (answer.offerId !== id) throw new Error(`caller: answer for ${String(answer.offerId)}`);
      await pub.accept(answer.sdp as string);
      return pub;
    } catch (err) {
      pub.close();
      throw err;
    }
  };
  let pub = await publish();
  let closed = false;
  const c = {
    ws,
    republished: 0,
    silence: (on: boolean) => pub.silence(on),
    async restartIce(via: string) {
      const moved = callerSocket(via, cookie, ip);
      await moved.next('welcome');
      ws.terminate(); // the old path is gone
      ({ ws, inbox, next } = moved);
      c.ws = ws;
      const id = `offer-${++offers}`;
      ws.send(JSON.stringify({ type: 'publish.offer', id, sdp: await pub.restartOffer(), iceRestart: true }));
      const answer = await next('publish.answer');
      if (answer.offerId !== id) throw new Error(`caller: answer for ${String(answer.offerId)}`);
      await pub.acceptRestart(answer.sdp as string);
      return answer.sdp as string;
    },
    close() {
      closed = true;
      pub.close();
      ws.close();
    },
    vanish() {
      closed = true;
      pub.close();
      ws.terminate();
    },
  };
  if (opts.republish) {
    // As the page does: drop the dead connection and publish again (placed on a healthy node),
    // trying again while the server says no media server is available yet.
    ws.on('message', (d) => {
      if ((JSON.parse(d.toString()) as { type?: string }).type !== 'media.restart') return;
      const seen = inbox.findIndex((m) => m.type === 'media.restart');
      if (seen >= 0) inbox.splice(seen, 1);
      pub.close();
      void (async () => {
        for (let attempt = 0; attempt < 20 && !closed; attempt++) {
          try {
            pub = await publish();
            c.republished++;
            return;
          } catch {
            await new Promise((r) => setTimeout(r, 1_000));
          }
        }
      })();
    });
  }
  return c;
}

/** A caller socket with an inbox: `next(type)` takes the first message of that type, or throws on an error. */
function callerSocket(url: string, cookie: string, ip: string) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/caller`, {
    headers: { cookie, 'x-forwarded-for': ip },
  });
  const inbox: Array<Record<string, unknown>> = [];
  ws.on('message', (d) => inbox.push(JSON.parse(d.toString()) as Record<string, unknown>));
  const next = async (type: string) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const m = inbox.find((x) => x.type === type || x.type === 'error');
      if (m) {
        inbox.splice(inbox.indexOf(m), 1);
        if (m.type === 'error') throw new Error(`caller: ${String(m.code)}: ${String(m.message)}`);
        return m;
      }
      if (Date.now() > deadline) throw new Error(`caller: no ${type}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { ws, inbox, next };
}
