import type {
  EvidenceItem,
  LibrarySession,
  Note,
  ReceivedFix,
  Recording,
  RetentionPolicy,
  SessionSummary,
  TimelineEvent,
} from '@sightline/protocol';
import { type ApiClient, ApiRequestError, errorMessage } from '../api/api-client.js';
import { ExportStore } from '../exports/export-store.js';
import { Store } from '../lib/store.js';
import { findLibrarySession, type LibraryCache } from '../library/library-query.js';
import { type NotePosition, NotesStore } from '../notes/notes-store.js';
import { RedactionStore } from '../redaction/redaction-store.js';
import { RetentionStore } from '../retention/retention-store.js';
import { addTimelineEvent, sortEvidence } from '../session/session-model.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';
import { isPlayable, locateMoment, sortByFixTime, wallClockAt, workingCopyOf } from './playback.js';
import { PlaybackStore } from './playback-store.js';

export interface EvidencePageState {
  status: 'loading' | 'ready' | 'not-found' | 'error';
  error: string | null;
  summary: SessionSummary | null;
  /** Timeline and track need session:read; other roles see the evidence without them. */
  detail: 'loading' | 'ready' | 'forbidden' | 'error';
  timeline: TimelineEvent[];
  /** Sorted by fixTime, as playback looks positions up by time. */
  track: ReceivedFix[];
  /** Retention facts; `missing` when the library did not return this session. */
  library: LibrarySession | null;
  libraryStatus: 'loading' | 'ready' | 'missing' | 'error';
  evidence: {
    status: 'loading' | 'ready' | 'error';
    items: EvidenceItem[];
    recordings: Recording[];
    error: string | null;
  };
}

const INITIAL: EvidencePageState = {
  status: 'loading',
  error: null,
  summary: null,
  detail: 'loading',
  timeline: [],
  track: [],
  library: null,
  libraryStatus: 'loading',
  evidence: { status: 'loading', items: [], recordings: [], error: null },
};

export interface EvidencePageDeps {
  api: ApiClient;
  socket: ConsoleSocket;
  cache: LibraryCache;
  policies: () => readonly RetentionPolicy[];
  canReadSession: boolean;
  /** Told when retention facts change, so the library list agrees with this page. */
  onLibraryUpdated?: (s: LibrarySession) => void;
  pollMs?: number;
}

/** The recording an item plays on: its own, or (for a copy without one) that of the copy it derives from. */
export function recordingOf(item: EvidenceItem, items: readonly EvidenceItem[]): string | null {
  if (item.recordingId) return item.recordingId;
  return items.find((i) => item.derivedFrom.includes(i.sha256))?.recordingId ?? null;
}

/**
 * Runs the session evidence page: loads the session, its evidence and
 * recordings, notes and retention facts, and owns the player, notes,
 * retention, export and redaction stores that the page's panels render.
 */
export class EvidencePageController {
  readonly state = new Store<EvidencePageState>(INITIAL);
  readonly playback = new PlaybackStore();
  readonly notes: NotesStore;
  readonly retention: RetentionStore;
  readonly exporter: ExportStore;
  readonly redaction: RedactionStore;
  readonly #off: Array<() => void> = [];
  #disposed = false;
  #evidenceSeq = 0;

  constructor(
    readonly sessionId: string,
    private readonly deps: EvidencePageDeps,
  ) {
    const { api, socket } = deps;
    const poll = deps.pollMs ? { pollMs: deps.pollMs } : {};
    this.notes = new NotesStore(api, sessionId);
    this.retention = new RetentionStore({
      api,
      sessionId,
      policies: deps.policies,
      current: () => this.state.get().library,
      onUpdated: (s) => this.applyLibrary(s),
    });
    this.exporter = new ExportStore({ api, socket, kind: 'full', sessionIds: () => [sessionId], ...poll });
    this.redaction = new RedactionStore({ api, socket, onFinished: () => void this.loadEvidence(), ...poll });
  }

  start(): void {
    const { socket, canReadSession } = this.deps;
    this.#off.push(
      socket.onMessage((m) => {
        if (m.type === 'evidence.updated' && m.sessionId === this.sessionId) void this.loadEvidence();
        if (m.type === 'session.updated' && m.session.id === this.sessionId)
          this.state.patch({ summary: m.session });
        // Work done here (classification, exports, redactions, notes) is itself recorded on the timeline.
        if (m.type === 'session.event' && m.sessionId === this.sessionId)
          this.state.set((s) => ({ ...s, timeline: addTimelineEvent(s.timeline, m.event) }));
      }),
      socket.onReconnected(() => {
        void this.loadEvidence();
        void this.notes.load();
      }),
    );
    // Only session:read may watch; other roles learn of new copies from their own jobs.
    if (canReadSession) socket.watch(this.sessionId);
    const cached = this.deps.cache.get(this.sessionId);
    if (cached) this.state.patch({ library: cached, libraryStatus: 'ready', summary: cached });
    void this.loadDetail();
    void this.loadLibrary();
    void this.loadEvidence();
    void this.notes.load();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const off of this.#off.splice(0)) off();
    if (this.deps.canReadSession) this.deps.socket.unwatch(this.sessionId);
    this.notes.dispose();
    this.exporter.dispose();
    this.redaction.dispose();
  }

  /** Loads timeline and track; resolves the session's creation time, used to find its library record. */
  async loadDetail(): Promise<number | null> {
    if (!this.deps.canReadSession) {
      this.state.patch({ detail: 'forbidden' });
      return null;
    }
    try {
      const d = await this.deps.api.session(this.sessionId);
      if (this.#disposed) return null;
      this.state.patch({
        detail: 'ready',
        summary: d.session,
        timeline: d.timeline,
        track: sortByFixTime(d.track),
      });
      this.settleStatus();
      return d.session.createdAt;
    } catch (err) {
      if (this.#disposed) return null;
      const code = err instanceof ApiRequestError ? err.code : null;
      if (code === 'not_found' || code === 'bad_request') {
        this.state.patch({ status: 'not-found', error: errorMessage(err), detail: 'error' });
      } else {
        this.state.patch({ detail: code === 'forbidden' ? 'forbidden' : 'error' });
      }
      return null;
    }
  }

  async loadLibrary(): Promise<void> {
    try {
      const found = await findLibrarySession(this.deps.api, this.sessionId);
      if (this.#disposed) return;
      if (found) this.applyLibrary(found);
      else if (!this.state.get().library) this.state.patch({ libraryStatus: 'missing' });
    } catch {
      if (!this.#disposed && !this.state.get().library) this.state.patch({ libraryStatus: 'error' });
    }
  }

  async loadEvidence(): Promise<void> {
    const seq = ++this.#evidenceSeq;
    try {
      const { items, recordings } = await this.deps.api.evidence(this.sessionId);
      if (this.#disposed || seq !== this.#evidenceSeq) return;
      this.state.patch({
        evidence: {
          status: 'ready',
          items: sortEvidence(items),
          recordings: [...recordings].sort((a, b) => a.startedAt - b.startedAt),
          error: null,
        },
      });
      this.settleStatus();
      this.keepPlayerValid();
    } catch (err) {
      if (this.#disposed || seq !== this.#evidenceSeq) return;
      const code = err instanceof ApiRequestError ? err.code : null;
      if (code === 'not_found' || code === 'bad_request') {
        this.state.patch({ status: 'not-found', error: errorMessage(err) });
        return;
      }
      const ev = this.state.get().evidence;
      this.state.patch({ evidence: { ...ev, status: 'error', error: errorMessage(err) } });
      if (this.state.get().status === 'loading' && this.state.get().detail !== 'ready')
        this.state.patch({ status: 'error', error: errorMessage(err) });
    }
  }

  /** Plays an item (a working or redacted copy) from its start. */
  play(item: EvidenceItem): void {
    if (!isPlayable(item)) return;
    this.playback.select(item.id, recordingOf(item, this.state.get().evidence.items));
  }

  /** Shows a wall-clock moment: stays on the copy in the player if it covers it, else its working copy. */
  seekToMoment(wallMs: number): boolean {
    const { items, recordings } = this.state.get().evidence;
    const p = this.playback.get();
    const target = locateMoment(recordings, items, wallMs);
    if (!target) return false;
    if (p.itemId && p.recordingId === target.recordingId) {
      this.playback.seekTo(p.itemId, p.recordingId, target.mediaTime);
    } else {
      this.playback.seekTo(target.itemId, target.recordingId, target.mediaTime);
    }
    return true;
  }

  /** Goes to where a note points: its recording and media time if it has them, else its moment. */
  seekToNote(note: Note): boolean {
    const { items } = this.state.get().evidence;
    const p = this.playback.get();
    if (note.recordingId && note.mediaTime !== null) {
      if (p.itemId && p.recordingId === note.recordingId) {
        this.playback.seekTo(p.itemId, p.recordingId, note.mediaTime);
        return true;
      }
      const copy = workingCopyOf(items, note.recordingId);
      if (copy) {
        this.playback.seekTo(copy.id, note.recordingId, note.mediaTime);
        return true;
      }
    }
    return this.seekToMoment(note.at);
  }

  /** Where a note written now would point; null with nothing loaded in the player. */
  notePosition(): NotePosition | null {
    const p = this.playback.get();
    const rec = this.state.get().evidence.recordings.find((r) => r.id === p.recordingId);
    if (!p.itemId || !rec) return null;
    return { recordingId: rec.id, mediaTime: p.mediaTime, at: wallClockAt(rec, p.mediaTime) };
  }

  private applyLibrary(s: LibrarySession): void {
    this.deps.cache.remember([s]);
    const summary = this.state.get().summary;
    this.state.patch({ library: s, libraryStatus: 'ready', summary: summary ?? s });
    this.settleStatus();
    this.deps.onLibraryUpdated?.(s);
  }

  private settleStatus(): void {
    const s = this.state.get();
    if (s.status === 'loading' || s.status === 'error') this.state.patch({ status: 'ready', error: null });
  }

  /** Loads the first recording's working copy; empties the player if its item was disposed. */
  private keepPlayerValid(): void {
    const { items, recordings } = this.state.get().evidence;
    const cur = this.playback.get().itemId;
    const curItem = items.find((i) => i.id === cur);
    if (cur && curItem && isPlayable(curItem)) return;
    for (const rec of recordings) {
      const copy = workingCopyOf(items, rec.id);
      if (copy) {
        this.playback.select(copy.id, rec.id);
        return;
      }
    }
    if (cur) this.playback.clear();
  }
}
