import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const TURN = {
  SIGHTLINE_TURN_URLS:
    'turn:turn.example.police.uk:3478?transport=udp, turns:turn.example.police.uk:443?transport=tcp',
  SIGHTLINE_TURN_SECRET: 'north-wind-7-south-wind-8',
};

describe('ICE and TURN settings', () => {
  it('has no TURN and lets callers use any path by default (npm start needs no TURN server)', () => {
    const { ice } = loadConfig({});
    expect(ice).toEqual({ staticServers: [], turn: null, callerPolicy: 'all' });
  });

  it('reads TURN URLs, the shared secret and the credential lifetime', () => {
    const { ice } = loadConfig({
      ...TURN,
      SIGHTLINE_TURN_TTL_SECONDS: '600',
      SIGHTLINE_CALLER_ICE_POLICY: 'relay',
    });
    expect(ice.turn).toEqual({
      urls: [
        'turn:turn.example.police.uk:3478?transport=udp',
        'turns:turn.example.police.uk:443?transport=tcp',
      ],
      secret: 'north-wind-7-south-wind-8',
      ttlSeconds: 600,
    });
    expect(ice.callerPolicy).toBe('relay');
    expect(loadConfig(TURN).ice.turn?.ttlSeconds).toBe(3600);
  });

  it('reads the secret from a file, trimmed, and refuses a missing or empty file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'turn-secret-'));
    const file = join(dir, 'secret');
    writeFileSync(file, 'from-a-file-of-its-own\n');
    const env = { SIGHTLINE_TURN_URLS: TURN.SIGHTLINE_TURN_URLS, SIGHTLINE_TURN_SECRET_FILE: file };
    expect(loadConfig(env).ice.turn?.secret).toBe('from-a-file-of-its-own');
    writeFileSync(file, '  \n');
    expect(() => loadConfig(env)).toThrow(/SIGHTLINE_TURN_SECRET_FILE: .* is empty/);
    expect(() => loadConfig({ ...env, SIGHTLINE_TURN_SECRET_FILE: join(dir, 'nope') })).toThrow(
      /SIGHTLINE_TURN_SECRET_FILE: no file/,
    );
    expect(() => loadConfig({ ...env, SIGHTLINE_TURN_SECRET: 'x' })).toThrow(/not both/);
  });

  it('refuses URLs that are not turn: or turns:, and URLs without a secret (or the reverse)', () => {
    expect(() => loadConfig({ ...TURN, SIGHTLINE_TURN_URLS: 'stun:stun.example.org' })).toThrow(
      /SIGHTLINE_TURN_URLS: "stun:stun.example.org" is not a turn: or turns: URL/,
    );
    expect(() => loadConfig({ ...TURN, SIGHTLINE_TURN_URLS: 'turn:x?transport=sctp' })).toThrow(
      /SIGHTLINE_TURN_URLS/,
    );
    expect(() => loadConfig({ SIGHTLINE_TURN_URLS: TURN.SIGHTLINE_TURN_URLS })).toThrow(/go together/);
    expect(() => loadConfig({ SIGHTLINE_TURN_SECRET: 'x' })).toThrow(/go together/);
  });

  it('refuses relay-only callers without TURN, and a TTL too short or too long', () => {
    expect(() => loadConfig({ SIGHTLINE_CALLER_ICE_POLICY: 'relay' })).toThrow(
      /SIGHTLINE_CALLER_ICE_POLICY=relay needs TURN/,
    );
    expect(() => loadConfig({ SIGHTLINE_CALLER_ICE_POLICY: 'tcp' })).toThrow(/SIGHTLINE_CALLER_ICE_POLICY/);
    expect(() => loadConfig({ ...TURN, SIGHTLINE_TURN_TTL_SECONDS: '5' })).toThrow(
      /SIGHTLINE_TURN_TTL_SECONDS/,
    );
    expect(() => loadConfig({ ...TURN, SIGHTLINE_TURN_TTL_SECONDS: String(8 * 86_400) })).toThrow(
      /SIGHTLINE_TURN_TTL_SECONDS/,
    );
  });

  it('refuses a TURN secret short enough to guess from a credential (every caller holds one)', () => {
    expect(() => loadConfig({ ...TURN, SIGHTLINE_TURN_SECRET: 'north-wind-7' })).toThrow(
      /SIGHTLINE_TURN_SECRET: the secret must be at least 16 characters/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'turn-secret-'));
    writeFileSync(join(dir, 'secret'), 'short\n');
    expect(() =>
      loadConfig({
        SIGHTLINE_TURN_URLS: TURN.SIGHTLINE_TURN_URLS,
        SIGHTLINE_TURN_SECRET_FILE: join(dir, 'secret'),
      }),
    ).toThrow(/SIGHTLINE_TURN_SECRET_FILE: the secret must be at least 16 characters/);
  });

  it('refuses a static TURN password in SIGHTLINE_ICE_SERVERS: it would reach every browser', () => {
    expect(() =>
      loadConfig({
        SIGHTLINE_ICE_SERVERS: '[{"urls":"turn:turn.example.org","username":"force","credential":"hunter2"}]',
      }),
    ).toThrow(/SIGHTLINE_ICE_SERVERS: no usernames or credentials here/);
  });
});
