import { describe, expect, it } from 'vitest';
import { csvField, takeUpCsv, toCsv } from './csv.js';
import { buildReport } from './take-up-figures.js';

describe('CSV', () => {
  it('quotes commas, quotes and line breaks, doubling quotes', () => {
    expect(csvField('Team A')).toBe('Team A');
    expect(csvField('North, East')).toBe('"North, East"');
    expect(csvField('the "night" shift')).toBe('"the ""night"" shift"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(-1.5)).toBe('-1.5');
  });

  it('defuses a team name a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+44')).toBe("'+44");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
  });

  it('ends every line with CRLF', () => {
    expect(
      toCsv([
        ['a', 1],
        ['b', null],
      ]),
    ).toBe('a,1\r\nb,\r\n');
  });

  it('writes one line per period, team and mode, with times in seconds', () => {
    const day = Date.parse('2026-11-02T09:00:00Z');
    const report = buildReport(
      { from: '2026-11-02', to: '2026-11-08', period: 'week' },
      [
        {
          sentAt: day,
          team: 'Response, North',
          mode: 'video',
          delivered: true,
          openedAt: day + 1000,
          consentedAt: day + 2000,
          refusedAt: null,
          liveAt: day + 45_000,
          failures: new Set(['network']),
        },
      ],
      [],
    );
    const lines = takeUpCsv(report).split('\r\n');
    expect(lines[0]).toMatch(
      /^period,team,mode,sent,delivered,opened,consented,refused,live,send_to_live_median_s/,
    );
    expect(lines[1]).toBe('2026-11-02,"Response, North",video,1,1,1,1,0,1,45,45,0,0,0,1,0,0,0');
    expect(lines).toHaveLength(3);
  });
});
