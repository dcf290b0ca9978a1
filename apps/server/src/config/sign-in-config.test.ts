import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const OK = {
  SIGHTLINE_PUBLIC_URL: 'https://sightline.force.example',
  SIGHTLINE_OIDC_ISSUER: 'https://login.microsoftonline.com/tenant/v2.0',
  SIGHTLINE_OIDC_CLIENT_ID: 'client-1',
  SIGHTLINE_OIDC_CLIENT_SECRET: 's3cret',
  SIGHTLINE_OIDC_ROLE_MAP: '{"Sightline.CallHandler":["call-handler"],"g-1":["supervisor","dpo"]}',
};

describe('single sign-on settings', () => {
  it('are off by default, so npm start needs no identity provider', () => {
    expect(loadConfig({}).oidc).toBeNull();
  });

  it('derive the redirect and sign-out URIs from the public URL', () => {
    const o = loadConfig(OK).oidc!;
    expect(o.redirectUri).toBe('https://sightline.force.example/api/auth/oidc/callback');
    expect(o.postLogoutRedirectUri).toBe('https://sightline.force.example/login');
    expect(o.roleClaim).toBe('roles');
    expect(o.roleMap).toEqual({ 'Sightline.CallHandler': ['call-handler'], 'g-1': ['supervisor', 'dpo'] });
    expect(o.scopes).toBe('openid profile email');
  });

  it('read the client secret from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oidc-'));
    writeFileSync(join(dir, 'secret'), 'from-file\n');
    const { SIGHTLINE_OIDC_CLIENT_SECRET: _, ...rest } = OK;
    expect(
      loadConfig({ ...rest, SIGHTLINE_OIDC_CLIENT_SECRET_FILE: join(dir, 'secret') }).oidc?.clientSecret,
    ).toBe('from-file');
  });

  it.each([
    [{ SIGHTLINE_OIDC_CLIENT_ID: '' }, /SIGHTLINE_OIDC_CLIENT_ID is required/],
    [{ SIGHTLINE_OIDC_CLIENT_SECRET: '' }, /SIGHTLINE_OIDC_CLIENT_SECRET \(or _FILE\) is required/],
    [{ SIGHTLINE_OIDC_ROLE_MAP: '' }, /SIGHTLINE_OIDC_ROLE_MAP is required/],
    [{ SIGHTLINE_OIDC_ROLE_MAP: '{"g":["sergeant"]}' }, /SIGHTLINE_OIDC_ROLE_MAP: expected/],
    [{ SIGHTLINE_OIDC_ROLE_MAP: 'not json' }, /SIGHTLINE_OIDC_ROLE_MAP: not JSON/],
    [{ SIGHTLINE_OIDC_ISSUER: 'http://idp.force.example' }, /SIGHTLINE_OIDC_ISSUER: must be https/],
    [{ SIGHTLINE_OIDC_SCOPES: 'profile' }, /must include openid/],
    [{ SIGHTLINE_OIDC_CLIENT_SECRET_FILE: '/nowhere' }, /not both/],
  ])('refuse a half-configured provider, naming the key (%o)', (change, message) => {
    expect(() => loadConfig({ ...OK, ...change })).toThrow(message);
  });

  it('refuse client settings without an issuer, and allow plain http only on this machine', () => {
    expect(() => loadConfig({ SIGHTLINE_OIDC_CLIENT_ID: 'x' })).toThrow(
      /SIGHTLINE_OIDC_CLIENT_ID set without SIGHTLINE_OIDC_ISSUER/,
    );
    expect(loadConfig({ ...OK, SIGHTLINE_OIDC_ISSUER: 'http://127.0.0.1:9999' }).oidc?.issuer.href).toBe(
      'http://127.0.0.1:9999/',
    );
  });
});
