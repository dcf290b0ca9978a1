import { describe, expect, it } from 'vitest';
import { BACKGROUND_MS, NO_FIX_MS, OFFLINE_MS, TrackingMonitor } from './tracking-monitor.js';

const S = 1_000;

function monitor() {
  let t = 1_000_000;
  const m = new TrackingMonitor(() => t);
  return {
    m,
    at: () => t,
    pass(ms: number) {
      t += ms;
    },
    /** A fix every 10 s for `ms`. */
    fixesFor(ms: number) {
      for (let e = 0; e < ms; e += 10 * S) {
        t += 10 * S;
        m.fix();
      }
    },
  };
}

describe('TrackingMonitor', () => {
  it('raises no alarm through a normal indoor GPS gap of a few minutes', () => {
    const c = monitor();
    c.fixesFor(60 * S);
    c.pass(NO_FIX_MS - 10 * S);
    expect(c.m.check().status.stopped).toBeNull();
    c.m.fix();
    expect(c.m.check().changed).toBe(false);
  });

  it('says no position after a lasting gap, dated from the last fix, and clears on the next fix', () => {
    const c = monitor();
    c.fixesFor(30 * S);
    const last = c.at();
    c.pass(NO_FIX_MS + S);
    expect(c.m.check()).toEqual({ status: { stopped: 'no-fix', since: last }, changed: true });
    expect(c.m.check().changed).toBe(false); // said once
    c.m.fix();
    expect(c.m.check()).toEqual({ status: { stopped: null, since: c.at() }, changed: true });
  });

  it('puts a refusal first, whatever else is wrong', () => {
    const c = monitor();
    c.m.link(false);
    c.pass(OFFLINE_MS + S);
    const deniedAt = c.at();
    c.m.denied();
    expect(c.m.check().status).toEqual({ stopped: 'denied', since: deniedAt });
  });

  it('says the background stopped location when the page returns after a silent minute, until a fix', () => {
    const c = monitor();
    c.fixesFor(20 * S);
    c.pass(5 * S);
    const hiddenAt = c.at();
    c.m.visible(false);
    c.pass(BACKGROUND_MS + 30 * S); // the system froze the page: no timers, no fixes
    c.m.visible(true);
    expect(c.m.check().status).toEqual({ stopped: 'background', since: hiddenAt });
    c.pass(5 * S);
    expect(c.m.check().changed).toBe(false);
    c.m.fix();
    expect(c.m.check().status.stopped).toBeNull();
  });

  it('does not blame the background for a short switch to another app', () => {
    const c = monitor();
    c.fixesFor(20 * S);
    c.m.visible(false);
    c.pass(20 * S);
    c.m.visible(true);
    expect(c.m.check().status.stopped).toBeNull();
  });

  it('says the connection is gone only after it has been gone for long, and clears when it is back', () => {
    const c = monitor();
    c.m.link(false);
    const downAt = c.at();
    c.fixesFor(OFFLINE_MS - 10 * S);
    expect(c.m.check().status.stopped).toBeNull();
    c.fixesFor(20 * S);
    expect(c.m.check().status).toEqual({ stopped: 'offline', since: downAt });
    c.m.link(true);
    expect(c.m.check().status.stopped).toBeNull();
  });
});
