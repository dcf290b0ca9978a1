import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ApiClientKey, ApiSession, WebhookEvent, WebhookSecretGrant } from '@sightline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureHeader } from '../src/webhooks/webhook-signature.js';
import {
  approvePending,
  cookieFrom,
  eventually,
  expectJson,
  type OfficerClient,
  openLink,
  signIn,
  startServer,
  type TestServer,
  TestSocket,
} from './harness.js';

// The example CAD client (examples/cad-client) run as a vendor would run it, as a child process,
// against a real server: token by client credentials, invite, signed webhooks, session read.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../../examples/cad-client/src/main.ts', import.meta.url));
const HANDLER = 'cad-example-handler';

let s: TestServer;
let admin: OfficerClient;
let admin2: OfficerClient;

beforeAll(async () => {
  s = await startServer({
    env: {
      // The receiver runs on loopback over plain HTTP, as in webhooks.int.test.ts.
      SIGHTLINE_WEBHOOK_ALLOW_HTTP: 'true',
      SIGHTLINE_WEBHOOK_ALLOW_PRIVATE: 'true',
      SIGHTLINE_WEBHOOK_POLL_MS: '100',
    },
  });
  admin = await signIn(s, ['admin']);
  admin2 = await signIn(s, ['admin']);
  await s.c.officers.create(
    {
      username: HANDLER,
      displayName: 'Example Handler',
      password: 'a-long-test-password',
      roles: ['call-handler'],
    },
    { type: 'system' },
  );
});
afterAll(() => s?.close());

/**
 * What an admin sets up for a CAD vendor, through the admin API: an API client and a webhook
 * endpoint. The one place to add any further step (a second admin's approval) to both.
 */
async function provisionCad(receiverUrl: string) {
  const client = await expectJson<ApiClientKey>(
    admin.request('POST', '/api/api-clients', {
      name: 'Example CAD',
      scopes: ['invites:write', 'sessions:read'],
    }),
    201,
  );
  const endpoint = await expectJson<WebhookSecretGrant>(
    admin.request('POST', '/api/webhooks', {
      url: receiverUrl,
      events: ['session.opened', 'session.consented', 'session.refused', 'session.ended'],
      description: 'Example CAD receiver',
    }),
    201,
  );
  // A second admin approves both (docs/security.md: nothing new leaves the system on one admin's say).
  await approvePending(admin2, client.clientId);
  await approvePending(admin2, endpoint.endpoint.id);
  return { clientId: client.clientId, key: client.key, webhookSecret: endpoint.secret };
}

/** A port nobody listens on now, for the example's receiver (the endpoint URL needs it first). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const addr = probe.address();
      probe.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** The example's JSON lines as they arrive, and its exit code. */
function runExample(args: string[]) {
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN, 'run', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '' },
  });
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part) as Record<string, unknown>);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { lines, exited, child, stderr: () => stderr };
}

describe('the example CAD client', () => {
  it('gets a token, texts an invite, prints the session’s verified webhooks, refuses tampered and stale ones, and reads the session', async () => {
    const port = await freePort();
    const receiverUrl = `http://127.0.0.1:${port}/`;
    const cad = await provisionCad(receiverUrl);
    const example = runExample([
      '--url',
      s.url,
      '--client-id',
      cad.clientId,
      '--client-secret',
      cad.key,
      '--webhook-secret',
      cad.webhookSecret,
      '--listen-port',
      String(port),
      '--phone',
      '07911 200999',
      '--call-handler',
      HANDLER,
      '--reference',
      'CAD 88/30NOV',
      '--until',
      'session.consented',
    ]);
    try {
      const line = <T>(key: string, match: (v: T) => boolean = () => true): Promise<T> =>
        eventually(() => example.lines.find((l) => key in l && match(l[key] as T))?.[key] as T, 30_000).catch(
          (e: Error) => {
            throw new Error(`${e.message}: no "${key}" line; stderr: ${example.stderr()}`);
          },
        );

      const invited = await line<ApiSession>('invited');
      expect(invited).toMatchObject({
        reference: 'CAD 88/30NOV',
        state: 'sent',
        phoneMasked: '+44 •••••••999',
      });
      const events = (type: string) =>
        example.lines
          .map((l) => l.webhook as WebhookEvent | undefined)
          .filter((e) => e?.type === type && e.sessionId === invited.id);

      // The caller's phone receives the text and opens the link.
      const link = await s.c.deliveries.link(invited.id);
      const cookie = cookieFrom(await openLink(s, link!.split('/j/')[1]!), 'sl_caller');
      const opened = await line<WebhookEvent>('webhook', (e) => e.type === 'session.opened');
      expect(opened).toMatchObject({ sessionId: invited.id, reference: 'CAD 88/30NOV', data: {} });

      // Someone else posts to the receiver: a changed body, a stale signature, a wrong secret.
      const now = Math.floor(Date.now() / 1000);
      const forged = JSON.stringify({
        ...opened,
        id: 'forged-event',
        type: 'session.ended',
        data: { reason: 'x' },
      });
      const post = (body: string, signature: string) =>
        fetch(receiverUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'sightline-signature': signature },
          body,
        }).then((r) => r.status);
      const genuine = JSON.stringify(opened);
      expect(await post(forged, signatureHeader([cad.webhookSecret], now, genuine))).toBe(401);
      expect(await post(forged, signatureHeader([cad.webhookSecret], now - 301, forged))).toBe(401);
      expect(await post(forged, signatureHeader(['whsec_not-the-secret'], now, forged))).toBe(401);
      expect(await post(forged, '')).toBe(401);
      await line('refused', (r: string) => r === 'malformed');
      expect(example.lines.filter((l) => 'refused' in l).map((l) => l.refused)).toEqual([
        'mismatch',
        'stale',
        'mismatch',
        'malformed',
      ]);

      // The caller consents: the example prints it, reads the session and exits.
      const sock = await TestSocket.open(`${s.wsUrl}/ws/caller`, cookie);
      sock.send({ type: 'consent', decision: 'accepted' });
      const session = await line<ApiSession>('session');
      sock.close();
      expect(await example.exited).toBe(0);
      expect(session).toMatchObject({ id: invited.id, reference: 'CAD 88/30NOV' });
      expect(session.openedAt).not.toBeNull();
      expect(session.consentedAt).not.toBeNull();
      expect(events('session.opened')).toHaveLength(1);
      expect(events('session.consented')).toHaveLength(1);
      expect(events('session.ended')).toEqual([]); // the forged one never got through
      // The server saw each delivery accepted (2xx) by the example. It marks one delivered when
      // the example's answer is back, which may be just after the example has printed it.
      const deliveredTypes = async () =>
        (await s.c.webhooks.deliveries({ state: 'delivered', limit: 50 }))
          .filter((d) => d.sessionId === invited.id)
          .map((d) => d.eventType);
      await eventually(async () => (await deliveredTypes()).includes('session.consented'));
      expect(await deliveredTypes()).toEqual(expect.arrayContaining(['session.opened', 'session.consented']));
    } finally {
      example.child.kill();
    }
  });
});
