import type {
  ChatMessage,
  ConsentText,
  Language,
  OfficerRequestAction,
  QualityLevel,
  SessionMode,
  TrackingStopReason,
} from '@sightline/protocol';

/** Everything the caller's screen shows, in one plain object. */
export type Screen =
  | 'loading'
  | 'unavailable'
  /** A scheduled check's link before its window: says when it opens (`opensAt`). */
  | 'not-yet-open'
  | 'inapp'
  | 'consent'
  | 'starting'
  | 'live'
  | 'refused'
  | 'ended';
export type Capability = 'pending' | 'on' | 'denied' | 'unavailable' | 'off';
export type Link = 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** A message as the caller's page shows it: stored ones, plus the caller's own not yet confirmed. */
export interface ChatLine {
  key: string;
  from: 'caller' | 'officer';
  text: string;
  at: number;
  status: 'queued' | 'sent' | 'delivered' | 'read' | null;
}

export interface Transfer {
  id: string;
  name: string;
  sent: number;
  total: number;
  /** `waiting`: the server cannot store files now and the page keeps trying; `kept`: all arrived, saved later. */
  state: 'sending' | 'waiting' | 'done' | 'kept' | 'failed' | 'rejected' | 'too-big';
}

export interface CallerState {
  screen: Screen;
  language: Language;
  /** The configured force name, or null for the language's own phrase (see i18n `translate`). */
  agency: string | null;
  mode: SessionMode;
  verificationCode: string;
  /** When a scheduled check's link starts to work (epoch ms); null for other links. */
  opensAt: number | null;
  locationMinutes: number | null;
  locationUntil: number | null;
  maxUploadBytes: number;
  camera: Capability;
  microphone: Capability;
  location: Capability;
  /** Signalling connection to the server. */
  link: Link;
  /** Media connection (WebRTC) to the server. */
  media: 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed';
  quality: QualityLevel | null;
  videoPaused: boolean;
  muted: boolean;
  facing: 'back' | 'front';
  torch: boolean | null;
  /** Accuracy of the last fix, metres. */
  accuracy: number | null;
  chatOpen: boolean;
  chat: ChatLine[];
  unread: number;
  request: { requestId: string; action: OfficerRequestAction; officerName: string } | null;
  officerVideo: boolean;
  /** An interpreter in the call (the page says so plainly; the caller may decline), and their video. */
  interpreter: { kind: 'bsl' | 'spoken'; language: string } | null;
  interpreterVideo: boolean;
  /** The caller tapped "I do not want an interpreter" and is asked to confirm (one tap must not remove them). */
  interpreterConfirm: boolean;
  uploads: Transfer[];
  /** The full-quality copy still to send: 0–100, null when there is none. */
  deviceCopyPercent: number | null;
  /** The caller chose to carry on inside an in-app browser. */
  inAppDismissed: boolean;
  /** The optional question after the end: `none` where the page never claimed the link. */
  feedback: 'none' | 'asking' | 'sending' | 'sent' | 'failed' | 'skipped';
  /** Location tracking has stopped, and why (tracking-monitor.ts); null while it runs. */
  trackingStopped: TrackingStopReason | null;
  /** The server's words for the consent screen and privacy notice, and their version (privacy.ts). */
  consentText: { version: string; text: ConsentText } | null;
  /** The privacy notice is open over the consent screen. */
  noticeOpen: boolean;
}

export const initialState: CallerState = {
  screen: 'loading',
  language: 'en',
  agency: null,
  mode: 'video',
  verificationCode: '',
  opensAt: null,
  locationMinutes: null,
  locationUntil: null,
  maxUploadBytes: 500 * 1024 * 1024,
  camera: 'pending',
  microphone: 'pending',
  location: 'pending',
  link: 'connecting',
  media: 'idle',
  quality: null,
  videoPaused: false,
  muted: false,
  facing: 'back',
  torch: null,
  accuracy: null,
  chatOpen: false,
  chat: [],
  unread: 0,
  request: null,
  officerVideo: false,
  interpreter: null,
  interpreterVideo: false,
  interpreterConfirm: false,
  uploads: [],
  deviceCopyPercent: null,
  inAppDismissed: false,
  feedback: 'none',
  trackingStopped: null,
  consentText: null,
  noticeOpen: false,
};

type Listener = (s: CallerState) => void;

/** A minimal observable store: the UI renders from state; everything else updates it. */
export class Store {
  #state: CallerState = initialState;
  #listeners = new Set<Listener>();

  get state(): CallerState {
    return this.#state;
  }

  update(patch: Partial<CallerState>): void {
    const next = { ...this.#state, ...patch };
    if (Object.keys(patch).every((k) => next[k as keyof CallerState] === this.#state[k as keyof CallerState]))
      return;
    this.#state = next;
    for (const l of this.#listeners) l(next);
  }

  subscribe(l: Listener): void {
    this.#listeners.add(l);
    l(this.#state);
  }
}

/** Merges stored messages with the caller's queued ones, in server order then send order. */
export function chatLines(
  stored: ChatMessage[],
  queued: Array<{ clientId: string; text: string; sentAt: number }>,
): ChatLine[] {
  const status = (m: ChatMessage) => (m.readAt ? 'read' : m.deliveredAt ? 'delivered' : 'sent');
  const lines: ChatLine[] = [...stored]
    .sort((a, b) => a.seq - b.seq)
    .map((m) => ({
      key: m.id,
      from: m.from,
      text: m.text,
      at: m.sentAt,
      status: m.from === 'caller' ? status(m) : null,
    }));
  const known = new Set(stored.map((m) => m.clientId));
  for (const q of queued)
    if (!known.has(q.clientId))
      lines.push({ key: q.clientId, from: 'caller', text: q.text, at: q.sentAt, status: 'queued' });
  return lines;
}

/**
 * What the caller is told when an interpreter joins: "they can see you" only while the caller's
 * camera is on (it may be off, refused or missing, and the interpreter then only hears them).
 */
export function interpreterNoticeKey(camera: Capability): string {
  return camera === 'on' ? 'live.interpreter.joined' : 'live.interpreter.joinedNoCamera';
}
