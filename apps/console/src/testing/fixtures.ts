import type {
  EvidenceItem,
  LibrarySession,
  ReceivedFix,
  Recording,
  ServerToConsole,
  SessionSummary,
  TextDelivery,
  TimelineEvent,
} from '@sightline/protocol';
import type { ConsoleSocket } from '../signalling/console-socket.js';

/** Test data builders; imported only by *.test.ts files. */
export function summary(id: string, createdAt: number, patch: Partial<SessionSummary> = {}): SessionSummary {
  return {
    id,
    reference: null,
    phoneMasked: '+44 •••••••123',
    state: 'sent',
    mode: 'video',
    language: 'en',
    verificationCode: '4829',
    locationUntil: null,
    createdAt,
    createdBy: { id: 'o1', name: 'PC Jones' },
    expiresAt: createdAt + 3_600_000,
    openedAt: null,
    consentedAt: null,
    liveAt: null,
    endedAt: null,
    endReason: null,
    publishing: false,
    videoStoppedAt: null,
    videoStopReason: null,
    lastFix: null,
    text: null,
    ...patch,
  };
}

export function fix(
  lat: number,
  lon: number,
  receivedAt: number,
  patch: Partial<ReceivedFix> = {},
): ReceivedFix {
  return {
    lat,
    lon,
    accuracy: 12,
    altitude: null,
    altitudeAccuracy: null,
    heading: null,
    speed: null,
    fixTime: receivedAt - 200,
    receivedAt,
    ...patch,
  };
}

export function event(
  id: string,
  at: number,
  type: string,
  patch: Partial<TimelineEvent> = {},
): TimelineEvent {
  return { id, at, type, actor: null, detail: null, ...patch };
}

export function evidenceItem(
  id: string,
  kind: EvidenceItem['kind'],
  recordingId: string | null,
  patch: Partial<EvidenceItem> = {},
): EvidenceItem {
  return {
    id,
    sessionId: 's1',
    kind,
    recordingId,
    fileName: `${id}.webm`,
    mediaType: 'video/webm',
    sha256: id
      .padEnd(64, '0')
      .slice(0, 64)
      .replace(/[^0-9a-f]/g, 'a'),
    size: 1000,
    createdAt: 1000,
    derivedFrom: [],
    durationMs: null,
    disposedAt: null,
    ...patch,
  };
}

export function recording(id: string, startedAt: number, patch: Partial<Recording> = {}): Recording {
  return {
    id,
    sessionId: 's1',
    startedAt,
    endedAt: null,
    mediaStartedAt: null,
    state: 'stored',
    videoCodec: 'vp8',
    seals: 0,
    recovered: false,
    ...patch,
  };
}

export function librarySession(
  id: string,
  createdAt: number,
  patch: Partial<LibrarySession> = {},
): LibrarySession {
  return {
    ...summary(id, createdAt, { state: 'ended' }),
    policyId: null,
    classifiedAt: null,
    classifiedBy: null,
    legalHold: false,
    holdReason: null,
    retainUntil: null,
    reviewDueAt: null,
    disposedAt: null,
    evidenceCount: 0,
    ...patch,
  };
}

/** A console socket double: records watches and lets a test deliver server messages. */
export function fakeSocket() {
  const handlers = new Set<(m: ServerToConsole) => void>();
  const reconnects = new Set<() => void>();
  const watched: string[] = [];
  const socket = {
    onMessage: (h: (m: ServerToConsole) => void) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    onReconnected: (h: () => void) => {
      reconnects.add(h);
      return () => reconnects.delete(h);
    },
    watch: (id: string) => watched.push(`+${id}`),
    unwatch: (id: string) => watched.push(`-${id}`),
  };
  return {
    socket: socket as unknown as ConsoleSocket,
    watched,
    deliver: (m: ServerToConsole) => {
      for (const h of [...handlers]) h(m);
    },
    reconnect: () => {
      for (const h of [...reconnects]) h();
    },
    listeners: () => handlers.size + reconnects.size,
  };
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** A text of a session's link (queued by Notify unless patched). */
export const textDelivery = (patch: Partial<TextDelivery> = {}): TextDelivery => ({
  id: 't1',
  attempt: 1,
  tryNo: 1,
  route: 'primary',
  gateway: 'notify',
  status: 'queued',
  reason: null,
  uncertain: false,
  createdAt: 1000,
  updatedAt: 1000,
  deliveredAt: null,
  ...patch,
});
