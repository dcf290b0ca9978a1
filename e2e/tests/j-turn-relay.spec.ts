import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { type Browser, chromium, expect, type Page, test } from '@playwright/test';
import { CHROMIUM_ARGS } from '@sightline/testkit/chromium';
import { type CoturnEngine, startCoturn } from '@sightline/testkit/engines/coturn';
import { type OfficerApi, officerApi } from '@sightline/testkit/officer';
import { PhoneNetwork } from '@sightline/testkit/phone-network';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { noViolations } from '../support/axe.js';
import { sessionIdFor as sessionIdOf } from '../support/database.js';
import { probe, sha256 } from '../support/media.js';
import { openNewestSession, openPhone, sendInvite, signInConsole } from '../support/pages.js';

// A caller on a network that lets nothing through but the servers it must (no route to the
// media server at all), with the caller's page forced to relay only. The only way video can
// reach Janus is through the coturn this file starts (TURN REST credentials, use-auth-secret),
// as for a phone behind carrier-grade NAT or on Wi-Fi that blocks direct UDP.
//
//   phone (10.77.11.2) ──veth── 10.77.11.1: Sightline (HTTP) and coturn (TURN, UDP+TCP)
//                                10.77.0.1:  Janus, and coturn's relay address
//
// Janus itself has no TURN configuration: it answers the relay address like any peer.

const PHONE_NUMBER = '07911 123456';
/** Short, so one test can run a call past its credential's expiry. */
const TTL_S = 30;
const HERE = { latitude: 51.50809, longitude: -0.12859, accuracy: 8 };

let server: Sightline;
let net: PhoneNetwork;
let coturn: CoturnEngine;
let phoneBrowser: Browser;
let supervisor: OfficerApi;

test.beforeAll(async () => {
  const mediaIp = process.env.SIGHTLINE_MEDIA_IP;
  if (!mediaIp) throw new Error('SIGHTLINE_MEDIA_IP unset: run inside scripts/netns-run.sh');
  net = new PhoneNetwork(1);
  coturn = await startCoturn({ listenIp: net.hostIp, relayIp: mediaIp });
  server = await startSightline({
    SIGHTLINE_HOST: '0.0.0.0',
    ...coturn.env({ callerPolicy: 'relay', ttlSeconds: TTL_S }),
  });
  const phoneOrigin = `http://${net.hostIp}:${new URL(server.url).port}`;
  phoneBrowser = await chromium.launch({
    executablePath: net.chromium,
    args: [...CHROMIUM_ARGS, `--unsafely-treat-insecure-origin-as-secure=${phoneOrigin}`],
  });
  // From here the phone reaches 10.77.11.1 only: the server's page and the TURN server.
  net.confineToLink();
  supervisor = await officerApi(server.url, 'supervisor');
});
test.afterAll(async () => {
  await phoneBrowser?.close();
  await server?.stop();
  await coturn?.stop();
  net?.destroy();
});

const overPhoneNetwork = (link: string) => link.replace(/^http:\/\/127\.0\.0\.1:/, `http://${net.hostIp}:`);

const sessionIdFor = (reference: string) => sessionIdOf(server.dataDir, reference);

/** Keeps every RTCPeerConnection the page makes, so the test can read its configuration and stats. */
async function keepPeerConnections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Original = window.RTCPeerConnection;
    const kept: RTCPeerConnection[] = [];
    (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = kept;
    window.RTCPeerConnection = class extends Original {
      constructor(config?: RTCConfiguration) {
        super(config);
        kept.push(this);
      }
    } as typeof RTCPeerConnection;
  });
}

/** The newest connection's configuration and the candidate pair ICE selected. */
function selectedPath(page: Page) {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const pc = pcs[pcs.length - 1];
    if (!pc) return null;
    const stats = await pc.getStats();
    // The DOM typings here lack RTCStatsReport's map methods; forEach is enough to index it.
    const byId = new Map<string, Record<string, string | undefined>>();
    let pairId: string | undefined;
    stats.forEach((r) => {
      byId.set(r.id, r);
      if (r.type === 'transport' && r.selectedCandidatePairId) pairId = r.selectedCandidatePairId;
    });
    const pair = pairId ? byId.get(pairId) : undefined;
    const local = pair?.localCandidateId ? byId.get(pair.localCandidateId) : undefined;
    const remote = pair?.remoteCandidateId ? byId.get(pair.remoteCandidateId) : undefined;
    const config = pc.getConfiguration();
    return {
      state: pc.connectionState,
      policy: config.iceTransportPolicy,
      usernames: (config.iceServers ?? []).map((s) => s.username ?? null),
      local: local
        ? { type: local.candidateType, address: local.address, relayProtocol: local.relayProtocol }
        : null,
      remote: remote ? { type: remote.candidateType, address: remote.address } : null,
      bytesSent: pair?.bytesSent ?? 0,
    };
  });
}

/**
 * Gathers relay-only candidates in a page with the given TURN servers, as the caller's page
 * would: the relay addresses obtained, and the errors the browser reported (the TURN
 * server's answer code, 401 for a refused credential).
 */
function gatherRelay(page: Page, iceServers: RTCIceServer[]) {
  return page.evaluate(async (servers) => {
    const pc = new RTCPeerConnection({ iceServers: servers, iceTransportPolicy: 'relay' });
    const relays: string[] = [];
    const protocols: string[] = [];
    const errors: Array<{ url: string; code: number; text: string }> = [];
    const done = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 15_000);
      pc.onicecandidate = (e) => {
        if (!e.candidate) {
          clearTimeout(timer);
          resolve(true);
        } else if (e.candidate.type === 'relay') {
          relays.push(`${e.candidate.address}:${e.candidate.port}`);
          protocols.push((e.candidate as RTCIceCandidate & { relayProtocol?: string }).relayProtocol ?? '');
        }
      };
    });
    pc.onicecandidateerror = (e) => errors.push({ url: e.url, code: e.errorCode, text: e.errorText });
    pc.createDataChannel('probe');
    await pc.setLocalDescription(await pc.createOffer());
    const complete = await done;
    pc.close();
    return { relays, protocols, errors, complete };
  }, iceServers);
}

/** A TURN REST credential made here, independently of the server, as coturn checks it. */
function credential(secret: string, expiresAtS: number, id: string) {
  const username = `${expiresAtS}:${id}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

test('a caller forced to relay reaches the console through coturn only, and the call is recorded', async ({
  browser,
}, testInfo) => {
  const reference = 'CAD 6101/30NOV';
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = overPhoneNetwork(await sendInvite(officer.page, PHONE_NUMBER, reference));
  const phone = await openPhone(phoneBrowser, HERE);
  await keepPeerConnections(phone.page);
  await phone.page.goto(link);
  await phone.page.getByRole('button', { name: 'Start sharing' }).click();
  const startedAt = Date.now();
  const sessionId = sessionIdFor(reference);

  // The officer sees live, moving video.
  await openNewestSession(officer.page);
  const stats = officer.page.getByTestId('video-stats');
  const frames = async () => Number(await stats.getAttribute('data-frames-decoded'));
  await expect.poll(frames, { timeout: 30_000 }).toBeGreaterThan(30);
  const before = await frames();
  await officer.page.waitForTimeout(4_000);
  expect(await frames()).toBeGreaterThan(before + 20);

  // The caller's connection is relay-only and went through the TURN relay, with a credential
  // of its own naming the session (never the phone number).
  const path = await selectedPath(phone.page);
  testInfo.annotations.push({ type: 'caller path', description: JSON.stringify(path) });
  expect(path?.state).toBe('connected');
  expect(path?.policy).toBe('relay');
  expect(path?.local?.type).toBe('relay');
  expect(path?.local?.address).toBe(coturn.relayIp);
  expect(path?.remote?.address).toBe(coturn.relayIp); // Janus, on the relay's own address here
  const username = path?.usernames.find((u) => u !== null) ?? '';
  expect(username).toMatch(new RegExp(`^\\d+:c-${sessionId}$`));
  const expiresAtS = Number(username.split(':')[0]);
  // Issued when the page connected, for the configured lifetime.
  expect(expiresAtS * 1000).toBeGreaterThan(startedAt);
  expect(expiresAtS * 1000).toBeLessThanOrEqual(startedAt + TTL_S * 1000);

  // coturn opened the relay for that credential; nothing in its log names the caller's number.
  expect(coturn.allocations()).toContain(username);
  expect(coturn.log()).not.toMatch(/7911\s?123456/);

  // Stream a while, then the officer ends the call.
  await officer.page.waitForTimeout(Math.max(0, 12_000 - (Date.now() - startedAt)));
  await officer.page.getByTestId('end-session').click();
  await officer.page.getByTestId('end-session-confirm').click();
  const streamedS = (Date.now() - startedAt) / 1000;
  await expect(phone.page.locator('main')).toHaveAttribute('data-screen', 'ended');

  // The relayed stream is stored as evidence: a working copy whose bytes match its hash and
  // which ffprobe decodes as moving video with sound.
  const working = officer.page.locator('[data-testid="evidence-item"][data-kind="working-copy"]');
  await expect(working).toHaveCount(1, { timeout: 90_000 });
  await expect(officer.page.locator('[data-testid="evidence-item"][data-kind="master"]')).toHaveCount(2);
  const id = await working.getAttribute('data-id');
  const res = await supervisor.raw('GET', `/api/evidence/${id}/content?download=1`);
  expect(res.status).toBe(200);
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect(sha256(bytes)).toBe(await working.getAttribute('data-sha256'));
  const file = testInfo.outputPath('relayed.webm');
  writeFileSync(file, bytes);
  const p = await probe(file);
  testInfo.annotations.push({ type: 'recording', description: JSON.stringify({ streamedS, ...p }) });
  expect(p.video).not.toBeNull();
  expect(p.audio?.codec).toBe('opus');
  expect(p.durationS).toBeGreaterThan(streamedS * 0.6);
  expect(p.video!.frames / p.durationS).toBeGreaterThanOrEqual(10);
  await officer.context.close();
  await phone.context.close();
});

test("a caller streaming past its credential's lifetime keeps its video, and after losing its network relays again with a renewed credential", async ({
  browser,
}) => {
  const reference = 'CAD 6102/30NOV';
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = overPhoneNetwork(await sendInvite(officer.page, PHONE_NUMBER, reference));
  const phone = await openPhone(phoneBrowser, HERE);
  await keepPeerConnections(phone.page);
  await phone.page.goto(link);
  await phone.page.getByRole('button', { name: 'Start sharing' }).click();
  const sessionId = sessionIdFor(reference);
  await openNewestSession(officer.page);
  const stats = officer.page.getByTestId('video-stats');
  const frames = async () => Number(await stats.getAttribute('data-frames-decoded'));
  await expect.poll(frames, { timeout: 30_000 }).toBeGreaterThan(30);
  const first = (await selectedPath(phone.page))?.usernames.find((u) => u !== null) ?? '';
  expect(first).toMatch(new RegExp(`^\\d+:c-${sessionId}$`));
  const firstExpiry = Number(first.split(':')[0]) * 1000;

  // Past the credential's expiry, the relay opened with it still carries the video.
  await phone.page.waitForTimeout(Math.max(0, firstExpiry + 2_000 - Date.now()));
  const atExpiry = await frames();
  await phone.page.waitForTimeout(3_000);
  expect(await frames()).toBeGreaterThan(atExpiry + 20);

  // The phone loses its network for 8 s; nobody touches it. It publishes again by itself.
  net.down();
  await phone.page.waitForTimeout(8_000);
  net.up();
  net.confineToLink();
  const atReturn = await frames();
  await expect.poll(frames, { timeout: 45_000 }).toBeGreaterThan(atReturn + 30);

  // Through the relay again, with a credential issued after the first (renewed over the socket
  // or given with the reconnect's welcome), which coturn accepted for a new allocation.
  const path = await selectedPath(phone.page);
  expect(path?.local?.type).toBe('relay');
  const renewed = path?.usernames.find((u) => u !== null) ?? '';
  expect(renewed).toMatch(new RegExp(`^\\d+:c-${sessionId}$`));
  expect(Number(renewed.split(':')[0]) * 1000).toBeGreaterThan(firstExpiry);
  expect(coturn.allocations()).toContain(renewed);
  expect(coturn.log()).not.toMatch(
    new RegExp(`user <${renewed}>: incoming packet \\S+ processed, error 401`),
  );
  await officer.context.close();
  await phone.context.close();
});

test('expired or forged TURN credentials are refused (401) and give no relay; the server-issued one works', async () => {
  const phone = await openPhone(phoneBrowser, HERE);
  const page = phone.page;
  const urls = coturn.urls;
  const now = Math.floor(Date.now() / 1000);

  const admin = await officerApi(server.url, 'admin');
  const grant = await admin.request<{ iceServers: RTCIceServer[]; expiresAt: number }>(
    'POST',
    '/api/turn/check',
    {},
  );
  const [expired, forged, issued, overTcp] = await Promise.all([
    // Expired a minute ago, otherwise correctly signed with the shared secret.
    gatherRelay(page, [{ urls, ...credential(coturn.secret, now - 60, 'c-expired') }]),
    // Not expired, but signed with another secret (a forged or stale one).
    gatherRelay(page, [{ urls, ...credential('not-the-secret', now + 600, 'c-forged') }]),
    // The control: what the server issues (here an admin's check credential) opens a relay.
    gatherRelay(page, grant.iceServers),
    // TURN over TCP alone, as on a network that drops UDP.
    gatherRelay(
      page,
      grant.iceServers.map((x) => ({
        ...x,
        urls: [x.urls].flat().filter((u) => u.endsWith('transport=tcp')),
      })),
    ),
  ]);
  test.info().annotations.push({
    type: 'gathering',
    description: JSON.stringify({ expired, forged, issued, overTcp }),
  });

  for (const [name, r] of Object.entries({ expired, forged })) {
    expect(r.relays, `${name}: no relay candidate`).toEqual([]);
    expect(
      r.errors.map((e) => e.code),
      `${name}: the TURN server answered 401`,
    ).toContain(401);
  }
  expect(issued.errors.filter((e) => e.code === 401)).toEqual([]);
  expect(issued.relays.length).toBeGreaterThan(0);
  expect(issued.relays.every((r) => r.startsWith(`${coturn.relayIp}:`))).toBe(true);
  expect(overTcp.relays.length).toBeGreaterThan(0);
  expect(overTcp.protocols).toContain('tcp');

  // coturn's own account: 401 to each, no allocation for either, one for the issued credential.
  for (const id of ['c-expired', 'c-forged'])
    expect(coturn.log()).toMatch(
      new RegExp(`user <\\d+:${id}>: incoming packet message processed, error 401: Unauthorized`),
    );
  const allocated = coturn.allocations();
  expect(allocated.some((u) => u.endsWith(':c-expired') || u.endsWith(':c-forged'))).toBe(false);
  expect(allocated).toContain(grant.iceServers[0]?.username);
  await phone.context.close();
});

test('an admin sees TURN as configured (never the secret) and "test from this browser" obtains a relay', async ({
  browser,
}) => {
  const admin = await signInConsole(browser, server.url, 'admin');
  await admin.page.goto(`${server.url}/admin`);
  await admin.page.getByRole('link', { name: 'TURN relay settings' }).click();
  await expect(admin.page.getByRole('heading', { level: 1, name: 'TURN relay' })).toBeVisible();
  await expect(admin.page.getByTestId('turn-configured')).toHaveText('Configured');
  await expect(admin.page.getByTestId('turn-settings')).toContainText(coturn.urls[0]!);
  await expect(admin.page.getByTestId('turn-settings')).toContainText('30 seconds');
  await expect(admin.page.getByTestId('turn-caller-policy')).toContainText('Relay only');
  expect(await admin.page.content()).not.toContain(coturn.secret);

  await admin.page.getByRole('button', { name: 'Test from this browser' }).click();
  const result = admin.page.getByTestId('turn-check-result');
  await expect(result).toHaveAttribute('data-outcome', 'relay', { timeout: 20_000 });
  await expect(result).toContainText(`Relay candidate obtained (${coturn.relayIp}:`);
  await noViolations(admin.page, 'TURN settings after a check');

  // Issuing it was audited, and the other roles cannot see the page's data.
  const audit = await supervisor.request<{ entries: { actorName: string | null; detail: unknown }[] }>(
    'GET',
    '/api/audit?action=turn.credential.issued&limit=20',
  );
  expect(audit.entries.some((e) => e.actorName === 'E2E admin')).toBe(true);
  expect(JSON.stringify(audit.entries)).not.toContain(coturn.secret);
  expect((await supervisor.raw('GET', '/api/turn')).status).toBe(403);
  await admin.context.close();
});
