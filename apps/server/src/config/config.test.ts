import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, mediaNodeRole } from './config.js';

describe('loadConfig', () => {
  it('gives working defaults with no settings at all', () => {
    const c = loadConfig({});
    expect(c.http).toMatchObject({ host: '127.0.0.1', port: 8080, tls: null });
    expect(c.publicUrl.toString()).toBe('http://localhost:8080/');
    expect(c.inviteTtlMs).toBe(30 * 60_000);
    expect(c.secureCookies).toBe(false);
    expect(c.databaseUrl).toMatch(/^sqlite:.*sightline\.db$/);
  });

  it('keeps the default link validity inside the range officers may choose, and checks the check time zone', () => {
    expect(loadConfig({}).inviteTtlBoundsMs).toEqual({ min: 5 * 60_000, max: 24 * 60 * 60_000 });
    expect(() => loadConfig({ SIGHTLINE_INVITE_TTL_MIN_MINUTES: '60' })).toThrow(
      /SIGHTLINE_INVITE_TTL_MIN_MINUTES/,
    );
    expect(() => loadConfig({ SIGHTLINE_CHECK_TIME_ZONE: 'Europe/Atlantis' })).toThrow(
      /SIGHTLINE_CHECK_TIME_ZONE/,
    );
    expect(loadConfig({ SIGHTLINE_CHECK_TIME_ZONE: 'Europe/Dublin' }).checks.timeZone).toBe('Europe/Dublin');
  });

  it('takes a PostgreSQL URL for the database', () => {
    const url = 'postgres://sightline:secret@db.internal:5432/sightline';
    expect(loadConfig({ SIGHTLINE_DATABASE_URL: url }).databaseUrl).toBe(url);
    expect(loadConfig({ SIGHTLINE_DATABASE_URL: 'postgresql://db/x' }).databaseUrl).toBe('postgresql://db/x');
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ SIGHTLINE_PORT: 'eighty' })).toThrow(/SIGHTLINE_PORT/);
    expect(() => loadConfig({ SIGHTLINE_INVITE_TTL_MINUTES: '0' })).toThrow(/SIGHTLINE_INVITE_TTL_MINUTES/);
    expect(() => loadConfig({ SIGHTLINE_PUBLIC_URL: 'ftp://x' })).toThrow(/SIGHTLINE_PUBLIC_URL/);
    expect(() => loadConfig({ SIGHTLINE_ICE_SERVERS: '{"urls":1}' })).toThrow(/SIGHTLINE_ICE_SERVERS/);
    expect(() => loadConfig({ SIGHTLINE_RTP_PORT_RANGE: '1-2' })).toThrow(/SIGHTLINE_RTP_PORT_RANGE/);
    expect(() => loadConfig({ SIGHTLINE_TLS_CERT: '/nope.pem' })).toThrow(ConfigError);
    expect(() => loadConfig({ SIGHTLINE_DATABASE_URL: 'mysql://db/sightline' })).toThrow(
      /SIGHTLINE_DATABASE_URL/,
    );
    expect(() =>
      loadConfig({ SIGHTLINE_TLS_CERT: '/etc/hostname', SIGHTLINE_TLS_KEY: '/does/not/exist' }),
    ).toThrow(/SIGHTLINE_TLS_KEY: no file/);
  });

  it("keeps each search's own no-fix threshold unless a training override in seconds is set", () => {
    expect(loadConfig({}).fixAlertOverrideMs).toBeNull();
    expect(loadConfig({ SIGHTLINE_FIX_ALERT_OVERRIDE_SECONDS: '' }).fixAlertOverrideMs).toBeNull();
    expect(loadConfig({ SIGHTLINE_FIX_ALERT_OVERRIDE_SECONDS: '10' }).fixAlertOverrideMs).toBe(10_000);
    expect(() => loadConfig({ SIGHTLINE_FIX_ALERT_OVERRIDE_SECONDS: '0' })).toThrow(
      /SIGHTLINE_FIX_ALERT_OVERRIDE_SECONDS/,
    );
  });

  it('limits invites per number and per officer by default, and refuses a limit of zero', () => {
    expect(loadConfig({}).inviteLimits).toEqual({
      perNumberHour: 5,
      perOfficerMinute: 10,
      perOfficerHour: 100,
    });
    expect(loadConfig({ SIGHTLINE_INVITES_PER_NUMBER_HOUR: '3' }).inviteLimits.perNumberHour).toBe(3);
    expect(() => loadConfig({ SIGHTLINE_INVITES_PER_NUMBER_HOUR: '0' })).toThrow(
      /SIGHTLINE_INVITES_PER_NUMBER_HOUR/,
    );
    expect(() => loadConfig({ SIGHTLINE_INVITES_PER_OFFICER_MINUTE: 'lots' })).toThrow(
      /SIGHTLINE_INVITES_PER_OFFICER_MINUTE/,
    );
  });

  it('makes cookies Secure whenever the public URL is https', () => {
    expect(loadConfig({ SIGHTLINE_PUBLIC_URL: 'https://sightline.example.police.uk' }).secureCookies).toBe(
      true,
    );
  });

  it('reads ICE servers for browsers and an empty tile URL as "no tiles"', () => {
    const c = loadConfig({
      SIGHTLINE_ICE_SERVERS: '[{"urls":"stun:stun.example.org:3478"}]',
      SIGHTLINE_MAP_TILE_URL: '',
    });
    expect(c.ice.staticServers).toEqual([{ urls: 'stun:stun.example.org:3478' }]);
    expect(c.map.tileUrl).toBeNull();
  });

  it('trusts X-Forwarded-For only from a listed set of proxies, never from everyone', () => {
    expect(loadConfig({}).http.trustProxy).toBe(false);
    expect(
      loadConfig({ SIGHTLINE_TRUST_PROXY: '10.0.0.0/8, 192.0.2.1,::1,fd00::/8,loopback' }).http.trustProxy,
    ).toEqual(['10.0.0.0/8', '192.0.2.1', '::1', 'fd00::/8', 'loopback']);
    expect(() => loadConfig({ SIGHTLINE_TRUST_PROXY: 'true' })).toThrow(
      /SIGHTLINE_TRUST_PROXY: list the proxies' addresses/,
    );
    expect(() => loadConfig({ SIGHTLINE_TRUST_PROXY: '10.0.0.0/33' })).toThrow(/SIGHTLINE_TRUST_PROXY/);
    expect(() => loadConfig({ SIGHTLINE_TRUST_PROXY: 'proxy.example' })).toThrow(/SIGHTLINE_TRUST_PROXY/);
  });

  it('names each instance uniquely by default, and refuses an instance id that is not a plain name', () => {
    const a = loadConfig({}).instanceId;
    const b = loadConfig({}).instanceId;
    expect(a).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/);
    expect(a).toContain(`-${process.pid}-`);
    expect(a).not.toBe(b);
    expect(loadConfig({ SIGHTLINE_INSTANCE_ID: 'server-b' }).instanceId).toBe('server-b');
    expect(() => loadConfig({ SIGHTLINE_INSTANCE_ID: 'two words' })).toThrow(/SIGHTLINE_INSTANCE_ID/);
    expect(() => loadConfig({ SIGHTLINE_INSTANCE_ID: 'x'.repeat(65) })).toThrow(/SIGHTLINE_INSTANCE_ID/);
  });
  it('uses Redis for events only when SIGHTLINE_REDIS_URL is set, and refuses anything but a redis URL', () => {
    expect(loadConfig({}).redisUrl).toBeNull();
    expect(loadConfig({ SIGHTLINE_REDIS_URL: 'redis://10.0.0.5:6379/2' }).redisUrl).toBe(
      'redis://10.0.0.5:6379/2',
    );
    expect(loadConfig({ SIGHTLINE_REDIS_URL: 'rediss://:pw@cache.internal' }).redisUrl).toBe(
      'rediss://:pw@cache.internal',
    );
    expect(() => loadConfig({ SIGHTLINE_REDIS_URL: 'localhost:6379' })).toThrow(/SIGHTLINE_REDIS_URL/);
  });
  it('serves metrics only with a configured token long enough not to be guessed', () => {
    expect(loadConfig({}).metricsToken).toBeNull();
    expect(loadConfig({ SIGHTLINE_METRICS_TOKEN: ' ' }).metricsToken).toBeNull();
    const token = 'a'.repeat(32);
    expect(loadConfig({ SIGHTLINE_METRICS_TOKEN: token }).metricsToken).toBe(token);
    expect(() => loadConfig({ SIGHTLINE_METRICS_TOKEN: 'short' })).toThrow(
      /SIGHTLINE_METRICS_TOKEN: at least 24/,
    );
    expect(() => loadConfig({ SIGHTLINE_METRICS_TOKEN: `${token} x` })).toThrow(/SIGHTLINE_METRICS_TOKEN/);
  });
});

describe('media nodes settings', () => {
  const secrets = { SIGHTLINE_JANUS_API_SECRET: 'api-secret', SIGHTLINE_JANUS_ADMIN_KEY: 'admin-key' };

  it('keeps the embedded Janus by default', () => {
    expect(loadConfig({}).media.mode).toBe('embedded');
  });

  it('refuses cluster media without the shared Janus secrets, naming both', () => {
    expect(() => loadConfig({ SIGHTLINE_MEDIA: 'nodes' })).toThrow(
      /SIGHTLINE_JANUS_API_SECRET and SIGHTLINE_JANUS_ADMIN_KEY required with SIGHTLINE_MEDIA=nodes/,
    );
    expect(loadConfig({ SIGHTLINE_MEDIA: 'nodes', ...secrets }).media.mode).toBe('nodes');
    expect(() => loadConfig({ SIGHTLINE_MEDIA: 'cluster' })).toThrow(/SIGHTLINE_MEDIA/);
  });

  it('refuses an external Janus URL in cluster media mode', () => {
    expect(() =>
      loadConfig({ SIGHTLINE_MEDIA: 'nodes', SIGHTLINE_JANUS_URL: 'ws://10.0.0.5:8188', ...secrets }),
    ).toThrow(/SIGHTLINE_JANUS_URL/);
  });

  it('gives the media-node role its name, URLs and heartbeat, and refuses it without the secrets', () => {
    const c = loadConfig({
      SIGHTLINE_MEDIA_NODE_ID: 'media-2',
      SIGHTLINE_JANUS_WS_HOST: '10.0.4.7',
      SIGHTLINE_MEDIA_NODE_JANUS_URL: 'ws://10.0.4.7:8188',
      SIGHTLINE_MEDIA_NODE_HEARTBEAT_SECONDS: '3',
      ...secrets,
    });
    expect(mediaNodeRole(c)).toMatchObject({
      id: 'media-2',
      wsHost: '10.0.4.7',
      janusUrl: 'ws://10.0.4.7:8188',
      heartbeatMs: 3000,
      apiSecret: 'api-secret',
      adminKey: 'admin-key',
    });
    expect(() => mediaNodeRole(loadConfig({}))).toThrow(/SIGHTLINE_JANUS_API_SECRET/);
    expect(() => loadConfig({ SIGHTLINE_MEDIA_NODE_JANUS_URL: 'http://x' })).toThrow(
      /SIGHTLINE_MEDIA_NODE_JANUS_URL/,
    );
    expect(() => loadConfig({ SIGHTLINE_MEDIA_NODE_ID: 'no spaces' })).toThrow(/SIGHTLINE_MEDIA_NODE_ID/);
  });

  it('refuses a staleness window a single late heartbeat would cross', () => {
    expect(() =>
      loadConfig({ SIGHTLINE_MEDIA_NODE_HEARTBEAT_SECONDS: '5', SIGHTLINE_MEDIA_NODE_STALE_SECONDS: '6' }),
    ).toThrow(/SIGHTLINE_MEDIA_NODE_STALE_SECONDS/);
  });
});
