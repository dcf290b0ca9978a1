import { describe, expect, it } from 'vitest';
import {
  describeEndReason,
  describeEventDetail,
  describeEventType,
  eventTone,
  sessionStateText,
} from './event-text.js';

describe('describeEventType', () => {
  it('names known events in plain words', () => {
    expect(describeEventType('consent.accepted')).toBe('Caller gave consent to share');
    expect(describeEventType('permission.camera.denied')).toBe('Camera blocked on the phone');
  });

  it('makes an unknown event readable instead of hiding it', () => {
    expect(describeEventType('media.bitrate_low')).toBe('Media bitrate low');
  });
});

describe('eventTone', () => {
  it('marks problems so they stand out', () => {
    expect(eventTone('consent.refused')).toBe('problem');
    expect(eventTone('permission.location.denied')).toBe('problem');
    expect(eventTone('recording.node_lost')).toBe('problem');
    expect(eventTone('media.published')).toBe('milestone');
    expect(eventTone('view.started')).toBe('routine');
  });
});

describe('describeEventDetail', () => {
  it('turns reason codes into words and leaves prose alone', () => {
    expect(describeEventDetail('ended_by_officer')).toBe('ended by an officer');
    expect(describeEventDetail('vp8 video, opus audio, 2.4 s')).toBe('vp8 video, opus audio, 2.4 s');
  });
});

describe('describeEndReason', () => {
  it("explains the server's reason codes", () => {
    expect(describeEndReason('sms_failed')).toBe('the text message could not be sent');
    expect(describeEndReason('some_new_reason')).toBe('some new reason');
    expect(describeEndReason(null)).toBeNull();
  });
});

describe('sessionStateText', () => {
  it('does not tell an officer to wait for video on a location-only link', () => {
    expect(sessionStateText({ state: 'consented', mode: 'location' })).toBe(
      'The caller is sharing their location',
    );
    expect(sessionStateText({ state: 'consented', mode: 'video' })).toBe(
      'The caller agreed; waiting for video',
    );
  });
});
