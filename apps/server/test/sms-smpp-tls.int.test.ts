import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OfficerClient, signIn, startServer, type TestServer } from './harness.js';
import { selfSignedCert } from './self-signed.js';
import { sendLink, shownText, until } from './sms/sms-test-helpers.js';
import { SMSC_PASSWORD, SMSC_SYSTEM_ID, startSmscFake } from './sms/smsc-fake.js';

// SMPP over TLS (ssmpp://) to an SMSC whose certificate a private CA signed: the bind, the text
// and its receipt all cross the TLS connection, trusted through SIGHTLINE_SMPP_TLS_CA.
let s: TestServer;
let officer: OfficerClient;
let smsc: Awaited<ReturnType<typeof startSmscFake>>;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sightline-smsc-tls-'));
  // Self-signed: the certificate is its own CA, valid for the address the server dials.
  const { key, cert } = selfSignedCert(dir, 'smsc', 'smsc.test');
  smsc = await startSmscFake({ key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') });
  s = await startServer({
    env: {
      SIGHTLINE_SMS_GATEWAY: 'smpp',
      SIGHTLINE_SMPP_URL: smsc.url,
      SIGHTLINE_SMPP_SYSTEM_ID: SMSC_SYSTEM_ID,
      SIGHTLINE_SMPP_PASSWORD: SMSC_PASSWORD,
      SIGHTLINE_SMPP_TLS_CA: cert,
    },
  });
  officer = await signIn(s, ['call-handler']);
});
afterAll(async () => {
  await s?.close();
  await smsc?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('SMPP over TLS', () => {
  it('binds over TLS trusting the configured CA, sends the text and reads its receipt', async () => {
    expect(smsc.url).toMatch(/^ssmpp:\/\//);
    await until(() => smsc.binds.some((b) => b.ok), 'the TLS bind');
    const sent = await sendLink(officer, '07700 900401');
    expect(sent.session.text).toMatchObject({ gateway: 'smpp', status: 'sent' });
    const submitted = smsc.texts.find((t) => t.to === '447700900401')!;
    expect(submitted.body).toContain(sent.link);
    await smsc.receipt(submitted.messageId, 'DELIVRD');
    await shownText(officer, sent.session.id, (t) => t.status === 'delivered');
  });
});
