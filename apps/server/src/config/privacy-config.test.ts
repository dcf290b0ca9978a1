import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const root = mkdtempSync(join(tmpdir(), 'privacy-config-'));
/** A directory holding these files (name → contents). */
function textsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(root, 'texts-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

describe('privacy notice settings', () => {
  it('default to no controller or contacts and no rewording', () => {
    expect(loadConfig({}).privacy).toEqual({
      controller: null,
      email: null,
      address: null,
      web: null,
      overrides: {},
    });
  });

  it('take the controller, the DPO contacts and a force’s own wording per language', () => {
    const dir = textsDir({ 'cy.json': JSON.stringify({ 'privacy.who': 'Mae {controller} yn gyfrifol.' }) });
    const privacy = loadConfig({
      SIGHTLINE_PRIVACY_CONTROLLER: 'Dyfed-Powys Police',
      SIGHTLINE_PRIVACY_EMAIL: 'dpo@example.police.uk',
      SIGHTLINE_PRIVACY_ADDRESS: 'PO Box 99, Carmarthen',
      SIGHTLINE_PRIVACY_URL: 'https://example.police.uk/privacy',
      SIGHTLINE_PRIVACY_TEXTS_DIR: dir,
    }).privacy;
    expect(privacy).toMatchObject({
      controller: 'Dyfed-Powys Police',
      email: 'dpo@example.police.uk',
      web: 'https://example.police.uk/privacy',
      overrides: { cy: { 'privacy.who': 'Mae {controller} yn gyfrifol.' } },
    });
  });

  it('refuse a contact that is not an email or an https page, naming the setting', () => {
    expect(() => loadConfig({ SIGHTLINE_PRIVACY_EMAIL: 'not-an-email' })).toThrow(/SIGHTLINE_PRIVACY_EMAIL/);
    expect(() => loadConfig({ SIGHTLINE_PRIVACY_URL: 'http://example.police.uk/privacy' })).toThrow(
      /SIGHTLINE_PRIVACY_URL: an https/,
    );
  });

  it('refuse wording files the notice could not use: a missing directory, a language, key or placeholder it does not know, broken JSON', () => {
    const fail = (files: Record<string, string>) => () =>
      loadConfig({ SIGHTLINE_PRIVACY_TEXTS_DIR: textsDir(files) });
    expect(() => loadConfig({ SIGHTLINE_PRIVACY_TEXTS_DIR: join(root, 'absent') })).toThrow(/no directory/);
    expect(fail({ 'fr.json': '{}' })).toThrow(/fr\.json: not a language/);
    expect(fail({ 'en.json': '{"consent.title": "x"}' })).toThrow(/"consent.title" is not a notice key/);
    expect(fail({ 'en.json': '{"privacy.who": "{controler} decides"}' })).toThrow(/unknown \{controler\}/);
    expect(fail({ 'en.json': '{"privacy.who": ' })).toThrow(/not JSON/);
    mkdirSync(join(root, 'plain'), { recursive: true });
    writeFileSync(join(root, 'plain', 'en.json'), '["a list"]');
    expect(() => loadConfig({ SIGHTLINE_PRIVACY_TEXTS_DIR: join(root, 'plain') })).toThrow(
      /object of non-empty strings/,
    );
  });
});
