import type { AmlFix, EvidenceItem, ReceivedFix, SessionSummary, TimelineEvent } from '@sightline/protocol';

/** Everything the session page shows apart from the video, in one plain object. */
export interface SessionPageState {
  status: 'loading' | 'ready' | 'not-found' | 'error';
  error: string | null;
  session: SessionSummary | null;
  /** Oldest first, as the server stores it. */
  timeline: TimelineEvent[];
  track: ReceivedFix[];
  /** The newest network location (AML) for the caller's number, by position time. */
  network: AmlFix | null;
  /** The last event that arrived live (not from a load), for the screen-reader announcement. */
  announced: TimelineEvent | null;
  evidence: { status: 'idle' | 'loading' | 'ready' | 'error'; items: EvidenceItem[]; error: string | null };
  end: { step: 'idle' | 'confirm' | 'sending'; error: string | null };
}

export const initialSessionPage: SessionPageState = {
  status: 'loading',
  error: null,
  session: null,
  timeline: [],
  track: [],
  network: null,
  announced: null,
  evidence: { status: 'idle', items: [], error: null },
  end: { step: 'idle', error: null },
};

const byTime = (a: TimelineEvent, b: TimelineEvent): number =>
  a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Adds one event in time order; an event already present (same id) is not added twice. */
export function addTimelineEvent(list: readonly TimelineEvent[], e: TimelineEvent): TimelineEvent[] {
  if (list.some((x) => x.id === e.id)) return list as TimelineEvent[];
  const last = list[list.length - 1];
  if (!last || byTime(last, e) <= 0) return [...list, e];
  return [...list, e].sort(byTime);
}

/** A reloaded timeline plus anything that arrived live meanwhile. */
export function mergeTimeline(a: readonly TimelineEvent[], b: readonly TimelineEvent[]): TimelineEvent[] {
  const byId = new Map<string, TimelineEvent>();
  for (const e of a) byId.set(e.id, e);
  for (const e of b) byId.set(e.id, e);
  return [...byId.values()].sort(byTime);
}

/** The newest fix we know, from the track or (before any arrived live) the summary. */
export function latestFix(track: readonly ReceivedFix[], session: SessionSummary | null): ReceivedFix | null {
  const last = track[track.length - 1] ?? null;
  const summaryFix = session?.lastFix ?? null;
  if (!last) return summaryFix;
  if (!summaryFix) return last;
  return summaryFix.receivedAt > last.receivedAt ? summaryFix : last;
}

/** Whether an officer may still end it (a refusal stays open until someone closes it). */
export function canBeEnded(session: SessionSummary | null): boolean {
  return !!session && session.state !== 'ended' && session.state !== 'expired';
}

const KIND_RANK: Record<EvidenceItem['kind'], number> = {
  'working-copy': 0,
  'redacted-copy': 1,
  'device-copy': 2,
  master: 3,
  'location-track': 4,
  'caller-upload': 5,
  'aml-message': 6,
};

/** Evidence in a useful reading order: by recording, working copy (the playable one) first, redacted copies, then masters. */
export function sortEvidence(items: readonly EvidenceItem[]): EvidenceItem[] {
  return groupEvidence(items).flatMap((g) => g.items);
}

export interface EvidenceGroup {
  key: string;
  /** "Recording 1", "Recording 2", … in the order they started; "Whole session" for session-wide items. */
  label: string;
  items: EvidenceItem[];
}

/**
 * Groups evidence by recording (each publish of the caller's camera is one
 * recording: its masters and the working copy made from them). Photos and
 * videos the caller sent form their own group; session-wide items, such as
 * the location track, come last.
 */
export function groupEvidence(items: readonly EvidenceItem[]): EvidenceGroup[] {
  const byKey = new Map<string, EvidenceItem[]>();
  for (const item of items) {
    // What the caller chose to send is not part of any recording; keep it together, apart from ours.
    const key = item.kind === 'caller-upload' ? 'caller' : (item.recordingId ?? 'session');
    byKey.set(key, [...(byKey.get(key) ?? []), item]);
  }
  const first = (list: EvidenceItem[]) => Math.min(...list.map((i) => i.createdAt));
  const recordings = [...byKey.entries()]
    .filter(([k]) => k !== 'session' && k !== 'caller')
    .sort((a, b) => first(a[1]) - first(b[1]));
  const groups: EvidenceGroup[] = recordings.map(([key, list], i) => ({
    key,
    label: `Recording ${i + 1}`,
    items: list,
  }));
  const caller = byKey.get('caller');
  if (caller) groups.push({ key: 'caller', label: 'Sent by the caller', items: caller });
  const session = byKey.get('session');
  if (session) groups.push({ key: 'session', label: 'Whole session', items: session });
  for (const g of groups) {
    g.items.sort(
      (a, b) =>
        KIND_RANK[a.kind] - KIND_RANK[b.kind] ||
        // The caller's photos read as a story, in the order they were sent.
        (a.kind === 'caller-upload' ? a.createdAt - b.createdAt : 0) ||
        a.fileName.localeCompare(b.fileName),
    );
  }
  return groups;
}
