import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestBody } from '../src/evidence/export/manifest.js';
import { consentTextBody, consentTextVersion, renderConsentText } from '../src/privacy/consent-text.js';
import {
  connectCaller,
  errorAnswering,
  eventually,
  expectJson,
  type OfficerClient,
  signIn,
  startServer,
  type TestServer,
  type TestSocket,
} from './harness.js';
import { readZip } from './zip-tools.js';

const work = mkdtempSync(join(tmpdir(), 'privacy-test-'));
const texts = mkdtempSync(join(work, 'texts-'));
// The force rewords one Welsh paragraph; every other language keeps the shipped words.
writeFileSync(
  join(texts, 'cy.json'),
  JSON.stringify({ 'privacy.why': 'Geiriau’r heddlu ei hun, o dan Ran 3 DPA 2018.' }),
);
const env = {
  SIGHTLINE_AGENCY: 'Thames Valley Police',
  SIGHTLINE_PRIVACY_EMAIL: 'dpo@tvp.example',
  SIGHTLINE_PRIVACY_TEXTS_DIR: texts,
};

let s: TestServer;
let handler: OfficerClient;
let supervisor: OfficerClient;

beforeAll(async () => {
  s = await startServer({ env });
  handler = await signIn(s, ['call-handler']);
  supervisor = await signIn(s, ['supervisor']);
});
afterAll(() => s?.close());

type Served = {
  version: string;
  text: { language: string; notice: { sections: Array<{ paragraphs: string[] }> } };
};
async function words(sock: TestSocket, language: string): Promise<Served> {
  const from = sock.messages.length;
  sock.send({ type: 'privacy.get', language });
  return (await sock.next((m) => m.type === 'privacy.text', 5_000, from)) as unknown as Served;
}

const sessionRow = (id: string) =>
  s.c.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('the consent record', () => {
  it('stores the language and the version of the words the caller was shown, and those exact words', async () => {
    const { sock, sessionId } = await connectCaller(s, handler);
    const ar = await words(sock, 'ar');
    expect(ar.text.language).toBe('ar');
    sock.send({ type: 'consent', decision: 'accepted', language: 'ar', textVersion: ar.version });
    await sock.next((m) => m.type === 'consent.recorded');
    const row = await sessionRow(sessionId);
    expect([row.state, row.consent_language, row.consent_text_version]).toEqual([
      'consented',
      'ar',
      ar.version,
    ]);
    const stored = await s.c.db
      .selectFrom('consent_texts')
      .selectAll()
      .where('version', '=', ar.version)
      .executeTakeFirstOrThrow();
    // The words can be produced again, and they are what the version names.
    expect(consentTextVersion(stored.body)).toBe(ar.version);
    expect(JSON.parse(stored.body)).toEqual(ar.text);
    const audit = await s.c.db
      .selectFrom('audit_events')
      .select('detail')
      .where('subject_id', '=', sessionId)
      .where('action', '=', 'consent.accepted')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.detail!)).toMatchObject({ language: 'ar', textVersion: ar.version });
    sock.close();
  });

  it('refuses a version the server never showed, or showed in another language, and records nothing', async () => {
    const { sock, sessionId } = await connectCaller(s, handler);
    const en = await words(sock, 'en');
    const forged = 'f'.repeat(64);
    for (const claim of [
      { language: 'en', textVersion: forged },
      { language: 'ar', textVersion: en.version },
    ]) {
      const error = await errorAnswering(sock, { type: 'consent', decision: 'accepted', ...claim });
      expect(error).toMatchObject({ code: 'consent_text_unknown' });
      expect(String(error?.message)).toMatch(/did not show in that language/);
    }
    expect((await sessionRow(sessionId)).state).toBe('opened');
    // The true version is still accepted afterwards.
    sock.send({ type: 'consent', decision: 'refused', language: 'en', textVersion: en.version });
    await sock.next((m) => m.type === 'consent.recorded');
    expect((await sessionRow(sessionId)).consent_text_version).toBe(en.version);
    sock.close();
  });

  it('names a different version when the force rewords its notice, and stores each text once', async () => {
    const { sock } = await connectCaller(s, handler);
    const cy = await words(sock, 'cy');
    const shipped = consentTextVersion(
      consentTextBody(
        renderConsentText('cy', 'video', null, {
          agency: 'Thames Valley Police',
          privacy: { ...s.c.config.privacy, overrides: {} },
          retention: s.c.config.retention,
        }),
      ),
    );
    expect(cy.version).not.toBe(shipped);
    expect(cy.text.notice.sections[1]!.paragraphs).toEqual([
      'Geiriau’r heddlu ei hun, o dan Ran 3 DPA 2018.',
    ]);
    expect((await words(sock, 'cy')).version).toBe(cy.version);
    const rows = await s.c.db
      .selectFrom('consent_texts')
      .select('version')
      .where('version', '=', cy.version)
      .execute();
    expect(rows).toHaveLength(1);
    sock.close();
  });

  it('goes into the evidence export: the decision’s language and version, and the words themselves', async () => {
    const { sock, sessionId } = await connectCaller(s, handler);
    const pl = await words(sock, 'pl');
    sock.send({ type: 'consent', decision: 'accepted', language: 'pl', textVersion: pl.version });
    await sock.next((m) => m.type === 'consent.recorded');
    await expectJson(handler.request('POST', `/api/sessions/${sessionId}/end`, {}));
    sock.close();
    const job = await expectJson<{ id: string }>(
      supervisor.request('POST', '/api/exports', { sessionIds: [sessionId], reason: 'privacy test' }),
      202,
    );
    await eventually(async () => {
      const j = await expectJson<{ state: string; error: string | null }>(
        supervisor.request('GET', `/api/exports/${job.id}`),
      );
      if (j.state === 'failed') throw new Error(j.error ?? 'export failed');
      return j.state === 'done';
    }, 60_000);
    const res = await supervisor.request('GET', `/api/exports/${job.id}/download`);
    const zipPath = join(work, 'package.zip');
    writeFileSync(zipPath, Buffer.from(await res.arrayBuffer()));
    const files = await readZip(zipPath);
    const file = (suffix: string) =>
      files.get([...files.keys()].find((n) => n.endsWith(suffix))!)!.toString();
    const facts = (JSON.parse(file('/manifest.json')) as ManifestBody).sessions[0]!;
    expect(facts.consent).toEqual([
      expect.objectContaining({ decision: 'accepted', language: 'pl', textVersion: pl.version }),
    ]);
    expect(facts.consentTexts).toEqual([expect.objectContaining({ version: pl.version, language: 'pl' })]);
    expect(facts.consentTexts[0]!.lines).toContain('Jak wykorzystujemy Twoje dane');
    const report = file('/report.html');
    expect(report).toContain(pl.version);
    expect(report).toContain('E-mail: dpo@tvp.example');
  });
});
