import { describe, expect, it } from 'vitest';
import { headerField, jsonLine, octetCounted, type SyslogHeader, syslogMessage } from './siem-format.js';

const row = {
  seq: '42',
  id: 'e-42',
  at: Date.UTC(2026, 10, 30, 16, 5, 1, 234),
  actor_type: 'officer',
  actor_id: 'o-1',
  actor_name: 'PC Ö’Brien',
  action: 'evidence.read',
  subject_type: 'session',
  subject_id: 's-1',
  detail: '{"reason":"review \\"quoted\\" ]"}',
  ip: '10.0.0.1',
  prev_hash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
};
const header: SyslogHeader = {
  facility: 13,
  severity: 6,
  hostname: 'node a',
  appName: 'sightline',
  procId: 'inst-1',
  msgId: 'audit',
  sdId: 'sightline@32473',
};

// RFC 5424 §6: the header, one SD-ELEMENT, then MSG.
const RFC5424 =
  /^<(\d{1,3})>1 (\S+) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) \[(\S+) seq="(\d+)" hash="([0-9a-f]{64})" prevHash="([0-9a-f]{64})" action="((?:[^"\\\]]|\\["\\\]])*)"\] \uFEFF(.*)$/su;

describe('SIEM formats', () => {
  it('a syslog message carries PRI from facility and severity, the entry time, its sequence and hashes, and the entry as JSON', () => {
    const m = syslogMessage(row, header).match(RFC5424);
    expect(m).not.toBeNull();
    const [, pri, time, host, app, proc, msgId, sdId, seq, hash, prev, , msg] = m!;
    expect(Number(pri)).toBe(13 * 8 + 6);
    expect(time).toBe('2026-11-30T16:05:01.234Z');
    expect([host, app, proc, msgId, sdId]).toEqual([
      'nodea',
      'sightline',
      'inst-1',
      'audit',
      'sightline@32473',
    ]);
    expect([seq, hash, prev]).toEqual(['42', 'b'.repeat(64), 'a'.repeat(64)]);
    const entry = JSON.parse(msg!);
    expect(entry).toMatchObject({
      seq: 42,
      action: 'evidence.read',
      actor: { name: 'PC Ö’Brien' },
      detail: { reason: 'review "quoted" ]' },
    });
  });

  it('an entry too big for one message keeps seq, hashes and action whole, drops its detail and says truncated', () => {
    const big = { ...row, detail: JSON.stringify({ text: 'Ö'.repeat(100_000) }) };
    for (const max of [8_192, 65_507]) {
      const m = syslogMessage(big, header, max);
      expect(Buffer.byteLength(m)).toBeLessThanOrEqual(max);
      expect(m).toContain(
        `seq="42" hash="${'b'.repeat(64)}" prevHash="${'a'.repeat(64)}" action="evidence.read" truncated="true"]`,
      );
      expect(JSON.parse(m.split('\uFEFF')[1]!)).toMatchObject({ seq: 42, detail: null, truncated: true });
    }
    // Even a cap too small for the rest is met, without splitting a character.
    const tiny = syslogMessage({ ...big, actor_name: 'Ö'.repeat(1000) }, header, 480);
    expect(Buffer.byteLength(tiny)).toBeLessThanOrEqual(480);
    expect(tiny).not.toContain('\uFFFD');
    // A message that fits is not touched.
    expect(syslogMessage(row, header, 8_192)).not.toContain('truncated');
  });

  it('escapes ", \\ and ] inside a structured-data value', () => {
    const m = syslogMessage({ ...row, action: 'a"b]c\\d' }, header);
    expect(m).toContain('action="a\\"b\\]c\\\\d"]');
    expect(m.match(RFC5424)).not.toBeNull();
  });

  it('header fields are printable ASCII without spaces, cut to length, "-" when empty', () => {
    expect(headerField('', 48)).toBe('-');
    expect(headerField('é', 48)).toBe('-');
    expect(headerField('x'.repeat(300), 255)).toHaveLength(255);
  });

  it('octet counting counts bytes, not characters', () => {
    const framed = octetCounted('Ö’ ok');
    expect(framed).toBe(`${Buffer.byteLength('Ö’ ok')} Ö’ ok`);
    expect(framed.startsWith('8 ')).toBe(true);
  });

  it('a JSON line is one line per entry, with the chain fields, and keeps a detail that is not JSON as text', () => {
    const line = jsonLine({ ...row, detail: 'not json' });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toMatchObject({
      seq: 42,
      hash: 'b'.repeat(64),
      prevHash: 'a'.repeat(64),
      detail: 'not json',
    });
  });
});
