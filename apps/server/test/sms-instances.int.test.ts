import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OfficerClient, signIn, startServer, type TestServer } from './harness.js';
import { NOTIFY_API_KEY, NOTIFY_TEMPLATE_ID, startNotifyFake } from './sms/notify-fake.js';
import { newKey, resend, sendLink, shownText } from './sms/sms-test-helpers.js';

// Two instances on one database with one key directory, as behind a load balancer: one press
// of Send reaching both (a retry sent elsewhere) is one text, and either instance can resend a
// link the other sent or take its delivery receipt.
const TOKEN = 'notify-callback-token-instances-0001';
let a: TestServer;
let b: TestServer;
let shared: string;
let officer: OfficerClient;
let notify: Awaited<ReturnType<typeof startNotifyFake>>;

/** The same officer's requests, sent to instance `s`. */
const on = (s: TestServer): OfficerClient => ({
  ...officer,
  request: (method, path, body, headers = {}) =>
    fetch(`${s.url}${path}`, {
      method,
      headers: {
        cookie: officer.cookie,
        'x-csrf-token': officer.csrf,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
});

beforeAll(async () => {
  notify = await startNotifyFake();
  shared = await mkdtemp(join(tmpdir(), 'sightline-sms-shared-'));
  const common = {
    SIGHTLINE_KEY_DIR: join(shared, 'keys'),
    SIGHTLINE_SMS_GATEWAY: 'notify',
    SIGHTLINE_NOTIFY_API_KEY: NOTIFY_API_KEY,
    SIGHTLINE_NOTIFY_TEMPLATE_ID: NOTIFY_TEMPLATE_ID,
    SIGHTLINE_NOTIFY_BASE_URL: notify.url,
    SIGHTLINE_NOTIFY_CALLBACK_TOKEN: TOKEN,
  };
  a = await startServer({ env: { ...common, SIGHTLINE_INSTANCE_ID: 'sms-a' } });
  b = await startServer({
    env: { ...common, SIGHTLINE_INSTANCE_ID: 'sms-b', SIGHTLINE_DATABASE_URL: a.c.config.databaseUrl },
  });
  notify.callbackTo(`${b.url}/api/sms/notify/status`, TOKEN);
  officer = await signIn(a, ['call-handler']);
});
afterAll(async () => {
  await b?.close();
  await a?.close();
  await notify?.close();
  if (shared) await rm(shared, { recursive: true, force: true });
});

describe('texts across instances', () => {
  it('sends one text when the same press reaches both instances at once, and both answer with it', async () => {
    const key = newKey();
    const [x, y] = await Promise.all([
      sendLink(on(a), '07700 900301', key),
      sendLink(on(b), '07700 900301', key),
    ]);
    expect([x.status, y.status]).toEqual([201, 201]);
    expect(y.session.id).toBe(x.session.id);
    expect(y.link).toBe(x.link);
    expect(notify.texts.filter((t) => t.phone === '+447700900301')).toHaveLength(1);
  });

  it('resends from one instance the link the other sent, and takes the receipt on either', async () => {
    const sent = await sendLink(on(a), '07700 900302');
    const again = await resend(on(b), sent.session.id, 'primary');
    expect(again.status).toBe(201);
    const texts = notify.texts.filter((t) => t.phone === '+447700900302');
    expect(texts.map((t) => t.body)).toEqual([texts[0]!.body, texts[0]!.body]);
    expect(texts[0]!.body).toContain(sent.link);
    // Notify calls back to B; A reads the same status from the shared database.
    expect(await notify.setStatus(texts[1]!.id, 'delivered')).toBe(204);
    await shownText(on(a), sent.session.id, (t) => t.status === 'delivered' && t.attempt === 2);
  });
});
