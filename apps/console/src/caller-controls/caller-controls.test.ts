import type { ServerToConsole } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { event } from '../testing/fixtures.js';
import {
  answerText,
  CallerControls,
  describeMedia,
  describeQuality,
  stateFromTimeline,
} from './caller-controls.js';

function harness(connected = true) {
  const sent: Array<Record<string, unknown>> = [];
  const handlers = new Set<(m: ServerToConsole) => void>();
  let n = 0;
  const socket = {
    connected,
    send: (m: Record<string, unknown>) => {
      const id = `m${++n}`;
      sent.push({ ...m, id });
      return id;
    },
    onMessage: (h: (m: ServerToConsole) => void) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
  };
  const controls = new CallerControls('s1', socket as never);
  controls.start();
  return {
    controls,
    sent,
    deliver: (m: ServerToConsole) => {
      for (const h of [...handlers]) h(m);
    },
  };
}

describe('CallerControls', () => {
  it('asks, waits, and shows the caller’s answer', () => {
    const h = harness();
    h.controls.ask('switch-camera');
    expect(h.sent).toEqual([{ type: 'request.send', sessionId: 's1', action: 'switch-camera', id: 'm1' }]);
    expect(h.controls.isPending('switch-camera')).toBe(true);
    h.deliver({ type: 'request.sent', sessionId: 's1', requestId: 'r1', action: 'switch-camera', ref: 'm1' });
    h.deliver({
      type: 'request.answered',
      sessionId: 's1',
      requestId: 'r1',
      action: 'switch-camera',
      accepted: true,
    });
    expect(h.controls.isPending('switch-camera')).toBe(false);
    expect(h.controls.get().answer).toEqual({ requestId: 'r1', action: 'switch-camera', accepted: true });
  });

  it('follows the caller’s media state and quality for this session only', () => {
    const h = harness();
    const state = { video: 'paused', audio: 'muted', camera: 'front', torch: false } as const;
    h.deliver({ type: 'caller.media', sessionId: 'other', state: { ...state, video: 'on' } });
    h.deliver({ type: 'caller.media', sessionId: 's1', state });
    h.deliver({ type: 'caller.quality', sessionId: 's1', level: 'poor', kbps: 180.4 });
    expect(h.controls.get().media).toEqual(state);
    expect(describeMedia(state)).toEqual([
      'Video paused by the caller',
      'Front camera',
      'Microphone muted',
      'Torch off',
    ]);
    expect(describeQuality(h.controls.get().quality!)).toBe('Connection: Poor · 180 kbit/s');
  });

  it('drops a refused request and says why; says so when offline', () => {
    const h = harness();
    h.controls.ask('torch-on');
    h.deliver({ type: 'error', code: 'session_not_live', message: 'The caller is not sharing.', ref: 'm1' });
    expect(h.controls.get()).toMatchObject({ pending: [], error: 'The caller is not sharing.' });

    const off = harness(false);
    off.controls.ask('torch-on');
    expect(off.sent).toHaveLength(0);
    expect(off.controls.get().error).toMatch(/Not connected/);
  });

  it('words answers so a declined request is plain', () => {
    expect(answerText('switch-camera', true)).toBe('Caller switched camera');
    expect(answerText('torch-on', false)).toBe('Caller declined to turn on the torch');
  });
});

describe('stateFromTimeline', () => {
  it("rebuilds the phone's last state from the timeline, and live reports win", () => {
    const timeline = [
      event('1', 1, 'caller.controls', { detail: 'video on, microphone on, back camera' }),
      event('2', 2, 'caller.quality', { detail: 'good (1200 kbit/s)' }),
      event('3', 3, 'caller.controls', { detail: 'microphone muted, torch on' }),
      event('4', 4, 'caller.quality', { detail: 'poor (180 kbit/s)' }),
    ];
    expect(stateFromTimeline(timeline)).toEqual({
      media: { video: 'on', audio: 'muted', camera: 'back', torch: true },
      quality: { level: 'poor', kbps: 180 },
    });
    expect(
      stateFromTimeline([event('1', 1, 'caller.controls', { detail: 'front camera' })]).media,
    ).toBeNull();

    const h = harness();
    h.deliver({ type: 'caller.quality', sessionId: 's1', level: 'good', kbps: 900 });
    h.controls.seed(timeline);
    expect(h.controls.get().quality).toEqual({ level: 'good', kbps: 900 });
    expect(h.controls.get().media?.torch).toBe(true);
  });
});
