import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const SECRET = 'aml-secret-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'aml-config-'));
const pem = join(dir, 'ca.pem');
writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const tls = { SIGHTLINE_TLS_CERT: pem, SIGHTLINE_TLS_KEY: pem };

describe('AML settings', () => {
  it('are off (no route) unless a secret or a client CA is set, with documented defaults when on', () => {
    expect(loadConfig({}).aml).toBeNull();
    expect(loadConfig({ SIGHTLINE_AML_SECRET: SECRET }).aml).toEqual({
      secret: SECRET,
      clientCa: null,
      matchWindowMs: 60 * 60_000,
      retentionMs: 7 * 86_400_000,
      ratePerMinute: 600,
    });
  });

  it('refuse a short secret, and a client CA without TLS here or without a certificate in it', () => {
    expect(() => loadConfig({ SIGHTLINE_AML_SECRET: 'short' })).toThrow(/SIGHTLINE_AML_SECRET: at least 24/);
    expect(() => loadConfig({ SIGHTLINE_AML_CLIENT_CA: pem })).toThrow(/needs SIGHTLINE_TLS_CERT/);
    const empty = join(dir, 'empty.pem');
    writeFileSync(empty, 'nothing');
    expect(() => loadConfig({ ...tls, SIGHTLINE_AML_CLIENT_CA: empty })).toThrow(/holds no PEM certificate/);
    expect(loadConfig({ ...tls, SIGHTLINE_AML_CLIENT_CA: pem }).aml?.clientCa).toContain('BEGIN CERTIFICATE');
  });
});
