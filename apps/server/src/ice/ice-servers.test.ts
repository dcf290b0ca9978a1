import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IceServerIssuer, type IceSettings } from './ice-servers.js';
import { turnCredential } from './turn-credentials.js';

const STUN = { urls: 'stun:stun.example.org:3478' };
const TURN_URLS = ['turn:10.0.0.1:3478?transport=udp', 'turn:10.0.0.1:3478?transport=tcp'];
const settings = (over: Partial<IceSettings> = {}): IceSettings => ({
  staticServers: [STUN],
  turn: { urls: TURN_URLS, secret: 'north-wind-7', ttlSeconds: 600 },
  callerPolicy: 'all',
  ...over,
});

let now = Date.UTC(2026, 10, 30, 7, 0, 0);
const clock = { now: () => now };

describe('IceServerIssuer', () => {
  beforeEach(() => {
    now = Date.UTC(2026, 10, 30, 7, 0, 0);
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('gives each caller a TURN credential of their own, named by session id, expiring after the TTL', () => {
    const issuer = new IceServerIssuer(settings(), clock);
    const grant = issuer.forCaller('3f9a0c1e-0000-4000-8000-000000000001');
    const expiry = now / 1000 + 600;
    expect(grant.expiresAt).toBe(expiry * 1000);
    expect(grant.iceServers).toEqual([
      STUN,
      {
        urls: TURN_URLS,
        ...turnCredential('north-wind-7', 'c-3f9a0c1e-0000-4000-8000-000000000001', expiry),
      },
    ]);
    expect(grant.iceServers[1]?.username).toBe(`${expiry}:c-3f9a0c1e-0000-4000-8000-000000000001`);
    // Another caller, another credential; an officer is named as one.
    expect(issuer.forCaller('other').iceServers[1]?.credential).not.toBe(grant.iceServers[1]?.credential);
    expect(issuer.forOfficer('off-1').iceServers[1]?.username).toBe(`${expiry}:o-off-1`);
  });

  it('never hands out the shared secret', () => {
    const issuer = new IceServerIssuer(settings(), clock);
    const everything = JSON.stringify([issuer.forCaller('s1'), issuer.forOfficer('o1'), issuer.describe()]);
    expect(everything).not.toContain('north-wind-7');
    expect(issuer.describe()).toEqual({
      turnConfigured: true,
      turnUrls: TURN_URLS,
      ttlSeconds: 600,
      callerPolicy: 'all',
      stunUrls: ['stun:stun.example.org:3478'],
    });
  });

  it('without TURN hands out the static servers only, which never expire', () => {
    const issuer = new IceServerIssuer(settings({ turn: null }), clock);
    expect(issuer.forCaller('s1')).toEqual({ iceServers: [STUN], expiresAt: null });
    expect(issuer.forCheck('o1')).toBeNull();
    const send = vi.fn();
    issuer.keepFresh(issuer.forCaller('s1'), () => issuer.forCaller('s1'), send);
    vi.advanceTimersByTime(86_400_000);
    expect(send).not.toHaveBeenCalled();
  });

  it('the admin check gets TURN only (relay-only gathering needs nothing else)', () => {
    const grant = new IceServerIssuer(settings(), clock).forCheck('o1');
    expect(grant?.iceServers).toHaveLength(1);
    expect(grant?.iceServers[0]?.username).toMatch(/:check-o1$/);
  });

  it('renews at each half-life, so a connected browser always holds a credential with half its TTL left', () => {
    const issuer = new IceServerIssuer(settings(), clock);
    const sent: number[] = [];
    const first = issuer.forCaller('s1');
    issuer.keepFresh(
      first,
      () => issuer.forCaller('s1'),
      (g) => sent.push(g.expiresAt!),
    );
    const step = (ms: number) => {
      now += ms;
      vi.advanceTimersByTime(ms);
    };
    step(299_000);
    expect(sent).toEqual([]); // not before the half-life
    step(1_000);
    expect(sent).toEqual([first.expiresAt! + 300_000]);
    // A caller streaming for hours keeps getting fresh ones, each still valid when it arrives.
    for (let i = 0; i < 24; i++) step(300_000);
    expect(sent).toHaveLength(25);
    expect(sent.at(-1)! - now).toBe(600_000);
  });

  it('stops renewing when the socket closes', () => {
    const issuer = new IceServerIssuer(settings(), clock);
    const send = vi.fn();
    const stop = issuer.keepFresh(issuer.forCaller('s1'), () => issuer.forCaller('s1'), send);
    stop();
    vi.advanceTimersByTime(3_600_000);
    expect(send).not.toHaveBeenCalled();
  });

  it('after the credential has expired (a reconnect hours later) issues one that is valid from now', () => {
    const issuer = new IceServerIssuer(settings(), clock);
    const old = issuer.forCaller('s1');
    now += 5 * 3_600_000;
    const fresh = issuer.forCaller('s1');
    expect(old.expiresAt!).toBeLessThan(now);
    expect(fresh.expiresAt).toBe(now + 600_000);
    expect(fresh.iceServers[1]?.username).toBe(`${(now + 600_000) / 1000}:c-s1`);
  });
});
