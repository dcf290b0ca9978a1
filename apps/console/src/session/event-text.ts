import type { EvidenceKind, SessionState, SessionSummary } from '@sightline/protocol';
import { TRACKING_REASON_TEXT } from '../location/tracking-status.js';

/** What each timeline event type means, in the words a control room uses. */
const EVENT_TEXT: Record<string, string> = {
  'invite.sent': 'Link sent by text message',
  'invite.failed': 'Text message could not be sent',
  'invite.resent': 'Link sent again by text message',
  'text.failed': 'Text message failed',
  'text.delivered': 'Text message delivered to the phone',
  'text.fallback': 'Text message sent by the other route',
  'text.confirmed': 'Text message taken by the provider after all (its answer came late)',
  'link.opened': 'Caller opened the link',
  'link.expired': 'Link expired without being opened',
  'consent.accepted': 'Caller gave consent to share',
  'consent.refused': 'Caller refused consent to share',
  'media.published': "Caller's video reached us",
  'location.sharing': 'Caller started sharing their location',
  'aml.received': "Network location (AML) received for the caller's number",
  'media.unpublished': "Caller's video connection closed",
  'media.stopped': "Caller's video stopped",
  'media.resumed': "Caller's video resumed",
  'view.started': 'Officer started watching',
  'view.stopped': 'Officer stopped watching',
  'session.ended': 'Session ended',
  'incident.joined': 'Added to an incident',
  'incident.left': 'Taken out of its incident',
  'recording.empty': 'Recording had no media',
  'evidence.stored': 'Evidence saved',
  'evidence.store_failed': 'Saving evidence failed (will retry)',
  'evidence.conversion_failed': 'Working copy could not be made',
  'evidence.playback': 'Evidence played back',
  'evidence.download': 'Evidence downloaded',
  'evidence.redacted': 'Redacted copy made',
  'evidence.exported': 'Evidence exported',
  'evidence.disposed': 'Evidence disposed of under the retention policy',
  'evidence.recovered': 'Recording recovered after a restart',
  'recording.node_lost':
    'Media server holding this recording stopped responding (what it had not sealed is recovered only if it returns)',
  'evidence.seal_mismatch': 'Recording does not match its seal',
  'retention.classified': 'Retention policy set',
  'retention.hold': 'Legal hold placed',
  'retention.release': 'Legal hold released',
  'retention.reviewed': 'Retention reviewed',
  'note.added': 'Note added',
  'bookmark.added': 'Bookmark added',
  // Neutral on purpose: a warning for whoever watches next, not a note about who was upset.
  'viewer.distressing': 'Footage marked as distressing',
  'request.sent': "Officer sent a request to the caller's phone",
  'request.accepted': 'Caller accepted the request',
  'request.declined': 'Caller declined the request',
  'caller.controls': "Caller's camera, microphone or torch",
  'caller.quality': 'Connection quality changed',
  'officer_video.started': "Officer's camera started",
  'officer_video.stopped': "Officer's camera stopped",
  'upload.started': 'Caller started sending a photo or video',
  'upload.received': 'Caller sent a photo or video',
  'upload.rejected': "Caller's file was not accepted",
  'device_copy.stored': 'Full-quality copy from the phone saved',
  'device_copy.limit': 'Full-quality copy from the phone stopped at its size limit',
  'device_copy.unjoinable':
    "Part of the phone's full-quality copy could not be joined (its start never arrived)",
  'caller.throttled': "Caller's phone was sending too fast; some messages were refused",
  'storage.unavailable': 'Evidence storage unavailable; the caller could not send a file (kept, will retry)',
  'outcome.recorded': 'Outcome recorded',
  'outcome.corrected': 'Outcome corrected (the earlier record is kept)',
  'location.stale': 'Alert: no position from the phone',
  'location.resumed': 'Positions arriving again',
  'tracking.stopped': "Caller's phone reported its tracking stopped",
  'tracking.resumed': "Caller's phone reported its tracking running again",
};

const PERMISSION_KIND: Record<string, string> = {
  camera: 'Camera',
  microphone: 'Microphone',
  location: 'Location',
};
const PERMISSION_STATE: Record<string, string> = {
  granted: 'allowed on the phone',
  denied: 'blocked on the phone',
  unavailable: 'not available on the phone',
};

/** A timeline event type in plain words; unknown types are made readable rather than hidden. */
export function describeEventType(type: string): string {
  const known = EVENT_TEXT[type];
  if (known) return known;
  const perm = /^permission\.(\w+)\.(\w+)$/.exec(type);
  if (perm) {
    const kind = PERMISSION_KIND[perm[1] ?? ''];
    const state = PERMISSION_STATE[perm[2] ?? ''];
    if (kind && state) return `${kind} ${state}`;
  }
  const words = type.replace(/[._-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The kind of an event for styling: problems stand out, routine steps recede. */
export function eventTone(type: string): 'problem' | 'milestone' | 'routine' {
  if (
    /failed|refused|expired|empty|unpublished|media\.stopped|tracking\.stopped|denied|unavailable|mismatch|rejected|node_lost/.test(
      type,
    )
  )
    return 'problem';
  if (
    /^(link\.opened|consent\.accepted|media\.published|media\.resumed|session\.ended|evidence\.stored)$/.test(
      type,
    )
  )
    return 'milestone';
  return 'routine';
}

/** An event's detail for display: reason codes such as "ended_by_officer" become words. */
export function describeEventDetail(detail: string | null): string | null {
  if (!detail) return null;
  if (detail in TRACKING_REASON_TEXT)
    return TRACKING_REASON_TEXT[detail as keyof typeof TRACKING_REASON_TEXT];
  return /^[a-z]+(_[a-z]+)+$/.test(detail) ? describeEndReason(detail) : detail;
}

/** What a session's state means, for tooltips and screen readers. */
export const STATE_TEXT: Record<SessionState, string> = {
  sent: 'Link sent; the caller has not opened it yet',
  opened: 'The caller opened the link and is deciding',
  consented: 'The caller agreed; waiting for video',
  refused: 'The caller refused to share',
  live: 'The caller is sharing',
  ended: 'The session has ended',
  expired: 'The link expired unopened',
};

/** What the session's state means for its kind of link (a location-only caller never sends video). */
export function sessionStateText(session: Pick<SessionSummary, 'state' | 'mode'>): string {
  if (session.mode === 'location') {
    if (session.state === 'consented' || session.state === 'live')
      return 'The caller is sharing their location';
    if (session.state === 'refused') return 'The caller refused to share their location';
  }
  if (session.mode === 'two-way' && session.state === 'consented')
    return 'The caller agreed; waiting for their camera';
  return STATE_TEXT[session.state];
}

/** Why a session ended, in words. */
export function describeEndReason(reason: string | null): string | null {
  if (!reason) return null;
  const known: Record<string, string> = {
    ended_by_officer: 'ended by an officer',
    sms_failed: 'the text message could not be sent',
    caller_stopped: 'the caller stopped sharing',
  };
  return known[reason] ?? reason.replace(/_/g, ' ');
}

export const EVIDENCE_KIND_TEXT: Record<EvidenceKind, string> = {
  master: 'Master',
  'working-copy': 'Working copy',
  'location-track': 'Location track',
  'redacted-copy': 'Redacted copy',
  'caller-upload': 'Sent by caller',
  'device-copy': 'Full-quality copy from the phone',
  'aml-message': 'Network location message (AML)',
};
