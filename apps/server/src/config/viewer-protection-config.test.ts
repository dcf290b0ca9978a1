import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('viewer protection settings', () => {
  it('blur and mute by default, report every 20 s, and cut 12-hour shifts at 07:00 and 19:00 London time', () => {
    const v = loadConfig({}).viewerProtection;
    expect(v).toMatchObject({ startBlurred: true, startMuted: true, reportMs: 20_000 });
    expect(v.shiftStarts).toEqual([420, 1140]);
    expect(v.timeZone).toBe('Europe/London');
    expect(v.thresholds).toEqual({ liveMinutes: 60, recordedMinutes: 90, distressingMarks: 1 });
  });

  it("take a force's own choices, sorting the shift starts", () => {
    const v = loadConfig({
      SIGHTLINE_VIEWER_START_BLURRED: 'false',
      SIGHTLINE_VIEWER_START_MUTED: 'no',
      SIGHTLINE_SHIFT_STARTS: '22:00, 06:00,14:00',
      SIGHTLINE_WELLBEING_LIVE_MINUTES: '45',
    }).viewerProtection;
    expect(v.startBlurred).toBe(false);
    expect(v.startMuted).toBe(false);
    expect(v.shiftStarts).toEqual([360, 840, 1320]);
    expect(v.thresholds.liveMinutes).toBe(45);
  });

  it('refuse at boot, naming the key, a bad time, a repeated start, an unknown zone or a zero threshold', () => {
    expect(() => loadConfig({ SIGHTLINE_SHIFT_STARTS: '7am' })).toThrow(/SIGHTLINE_SHIFT_STARTS: "7am"/);
    expect(() => loadConfig({ SIGHTLINE_SHIFT_STARTS: '07:00,07:00' })).toThrow(/SIGHTLINE_SHIFT_STARTS/);
    expect(() => loadConfig({ SIGHTLINE_SHIFT_TIME_ZONE: 'Mars/Olympus' })).toThrow(
      /SIGHTLINE_SHIFT_TIME_ZONE/,
    );
    expect(() => loadConfig({ SIGHTLINE_WELLBEING_DISTRESSING_MARKS: '0' })).toThrow(
      /SIGHTLINE_WELLBEING_DISTRESSING_MARKS/,
    );
    expect(() => loadConfig({ SIGHTLINE_EXPOSURE_REPORT_SECONDS: '600' })).toThrow(
      /SIGHTLINE_EXPOSURE_REPORT_SECONDS/,
    );
    expect(() => loadConfig({ SIGHTLINE_VIEWER_START_BLURRED: 'maybe' })).toThrow(
      /SIGHTLINE_VIEWER_START_BLURRED/,
    );
  });
});
