import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('SIEM settings', () => {
  it('streams nothing unless a target is set', () => {
    expect(loadConfig({}).siem).toBeNull();
  });

  it('reads each kind of target, with the defaults for facility, severity and SD-ID', () => {
    const at = (t: string) => loadConfig({ SIGHTLINE_SIEM_TARGET: t }).siem!;
    expect(at('file:/var/log/sightline/audit.jsonl').target).toEqual({
      kind: 'file',
      path: '/var/log/sightline/audit.jsonl',
    });
    expect(at('tcp://siem.internal:5170').target).toEqual({
      kind: 'json-tcp',
      host: 'siem.internal',
      port: 5170,
    });
    for (const transport of ['udp', 'tcp', 'tls'] as const)
      expect(at(`syslog+${transport}://10.0.0.9:6514`).target).toEqual({
        kind: 'syslog',
        transport,
        host: '10.0.0.9',
        port: 6514,
      });
    expect(at('syslog+tcp://h:514')).toMatchObject({ facility: 13, severity: 6, sdId: 'sightline@32473' });
    expect(
      loadConfig({ SIGHTLINE_SIEM_TARGET: 'syslog+tcp://h:514', SIGHTLINE_SIEM_SD_ID: 'ops.s-l_1[x@1' }).siem,
    ).toMatchObject({ sdId: 'ops.s-l_1[x@1' });
  });

  it('names the bad key: an unknown scheme, a relative file, a facility or severity out of range, an SD-ID without a number', () => {
    for (const [key, value] of [
      ['SIEM_TARGET', 'http://siem:80'],
      ['SIEM_TARGET', 'file:relative.jsonl'],
      ['SIEM_TARGET', 'syslog+tcp://siem'],
      ['SIEM_FACILITY', '24'],
      ['SIEM_SEVERITY', '8'],
      ['SIEM_SD_ID', 'sightline'],
      // Characters RFC 5424 forbids in an SD-NAME: non-ASCII, a control character, a space.
      ['SIEM_SD_ID', 'sightlinè@32473'],
      ['SIEM_SD_ID', 'sight\u0007line@32473'],
      ['SIEM_SD_ID', 'sight line@32473'],
      ['SIEM_SD_ID', 'sight]line@32473'],
    ] as const)
      expect(() =>
        loadConfig({ SIGHTLINE_SIEM_TARGET: 'syslog+tcp://siem:514', [`SIGHTLINE_${key}`]: value }),
      ).toThrow(new RegExp(`SIGHTLINE_${key}`));
  });

  it('refuses TLS files for a target that is not TLS, half a client certificate, and a missing file', () => {
    expect(() =>
      loadConfig({ SIGHTLINE_SIEM_TARGET: 'syslog+tcp://siem:514', SIGHTLINE_SIEM_TLS_CA: '/etc/hostname' }),
    ).toThrow(/SIGHTLINE_SIEM_TLS_CA is only for a syslog\+tls/);
    expect(() =>
      loadConfig({
        SIGHTLINE_SIEM_TARGET: 'syslog+tls://siem:6514',
        SIGHTLINE_SIEM_TLS_CERT: '/etc/hostname',
      }),
    ).toThrow(/SIGHTLINE_SIEM_TLS_CERT and SIGHTLINE_SIEM_TLS_KEY/);
    expect(() =>
      loadConfig({
        SIGHTLINE_SIEM_TARGET: 'syslog+tls://siem:6514',
        SIGHTLINE_SIEM_TLS_CA: '/nonexistent/ca.pem',
      }),
    ).toThrow(/SIGHTLINE_SIEM_TLS_CA: no file/);
  });
});
