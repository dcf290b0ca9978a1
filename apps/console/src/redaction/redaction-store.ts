import type { CreateRedactionRequest, RedactionJob } from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { isFinished, isForward, watchJob } from '../jobs/job-watch.js';
import { Store } from '../lib/store.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';
import {
  centredRect,
  clampRect,
  defaultSpan,
  type FracRect,
  parseSeconds,
  rangeError,
} from './redaction-geometry.js';

/** A region being edited: the rectangle as fractions, the times as typed (seconds). */
export interface RegionDraft extends FracRect {
  id: string;
  from: string;
  to: string;
}

export interface RedactionErrors {
  form?: string;
  reason?: string;
  mute?: string;
  /** Per region id. */
  regions?: Record<string, string>;
}

export interface RedactionState {
  open: boolean;
  /** The working copy being redacted (the server refuses anything else). */
  sourceId: string | null;
  duration: number | null;
  regions: RegionDraft[];
  selected: string | null;
  mute: Array<{ from: number; to: number }>;
  muteFrom: string;
  muteTo: string;
  reason: string;
  errors: RedactionErrors;
  sending: boolean;
  job: RedactionJob | null;
  progress: { done: number; total: number } | null;
}

const EMPTY: RedactionState = {
  open: false,
  sourceId: null,
  duration: null,
  regions: [],
  selected: null,
  mute: [],
  muteFrom: '',
  muteTo: '',
  reason: '',
  errors: {},
  sending: false,
  job: null,
  progress: null,
};

/** The server's limits (CreateRedactionRequest). */
export const MAX_REGIONS = 50;
export const MAX_MUTES = 50;

const fmt = (t: number): string => String(Math.round(t * 10) / 10);

/** Checks the whole request; returns the body to send, or the errors to show. */
export function buildRedaction(
  s: Pick<RedactionState, 'regions' | 'mute' | 'muteFrom' | 'muteTo' | 'reason' | 'duration'>,
): { body: CreateRedactionRequest } | { errors: RedactionErrors } {
  const errors: RedactionErrors = {};
  const regionErrors: Record<string, string> = {};
  for (const r of s.regions) {
    const e = rangeError(r.from, r.to, s.duration);
    if (e) regionErrors[r.id] = e;
  }
  if (Object.keys(regionErrors).length) errors.regions = regionErrors;
  if (s.muteFrom.trim() || s.muteTo.trim()) {
    // Half-typed ranges are not silently sent or dropped: the officer decides.
    errors.mute = 'Press “Add muted range” to include this range, or clear the two fields.';
  }
  if (s.regions.length === 0 && s.mute.length === 0) {
    errors.form = 'Draw at least one area to blur, or add a range to mute.';
  }
  if (s.regions.length > MAX_REGIONS) errors.form = `Use at most ${MAX_REGIONS} areas.`;
  if (s.mute.length > MAX_MUTES) errors.form = `Use at most ${MAX_MUTES} muted ranges.`;
  const reason = s.reason.trim();
  if (reason.length < 5) errors.reason = 'Give the reason for this redaction (at least 5 characters).';
  else if (reason.length > 500) errors.reason = 'Use at most 500 characters.';
  if (Object.keys(errors).length) return { errors };
  return {
    body: {
      regions: s.regions.map((r) => ({
        ...clampRect(r),
        from: parseSeconds(r.from) ?? 0,
        to: parseSeconds(r.to) ?? 0,
      })),
      mute: s.mute,
      reason,
    },
  };
}

export interface RedactionStoreDeps {
  api: Pick<ApiClient, 'createRedaction' | 'redactionJob'>;
  socket: Pick<ConsoleSocket, 'onMessage' | 'onReconnected'>;
  /** The redacted copy exists: the page reloads its evidence list to show it. */
  onFinished: (job: RedactionJob) => void;
  pollMs?: number;
}

/**
 * The redaction editor: rectangles to blur over time ranges, ranges to mute,
 * a reason; then the job that makes a new redacted copy. The working copy and
 * the masters are never changed.
 */
export class RedactionStore extends Store<RedactionState> {
  #seq = 0;
  #stopWatch: (() => void) | null = null;
  #disposed = false;

  constructor(private readonly deps: RedactionStoreDeps) {
    super(EMPTY);
  }

  /** Opens the editor on a working copy; a different copy starts a fresh draft. */
  open(sourceId: string, duration: number | null): void {
    const s = this.get();
    if (s.sourceId === sourceId) this.patch({ open: true, ...(duration !== null ? { duration } : {}) });
    else this.set({ ...EMPTY, job: s.job, progress: s.progress, open: true, sourceId, duration });
  }

  close(): void {
    this.patch({ open: false });
  }

  setDuration(duration: number | null): void {
    if (duration !== null && Number.isFinite(duration)) this.patch({ duration });
  }

  /** Adds a drawn (or centred) rectangle lasting from `current` for five seconds, and selects it. */
  addRegion(rect: FracRect | null, current: number): void {
    const span = defaultSpan(current, this.get().duration);
    const region: RegionDraft = {
      id: `r${++this.#seq}`,
      ...clampRect(rect ?? centredRect()),
      from: fmt(span.from),
      to: fmt(span.to),
    };
    this.patch({ regions: [...this.get().regions, region], selected: region.id, errors: {} });
  }

  select(id: string | null): void {
    this.patch({ selected: id });
  }

  /** Moves or resizes a region; the result always lies inside the frame. */
  setRect(id: string, patch: Partial<FracRect>): void {
    this.updateRegion(id, (r) => ({ ...r, ...clampRect({ ...r, ...patch }) }));
  }

  setTime(id: string, which: 'from' | 'to', text: string): void {
    this.updateRegion(id, (r) => ({ ...r, [which]: text }));
  }

  setTimeToCurrent(id: string, which: 'from' | 'to', current: number): void {
    this.setTime(id, which, fmt(current));
  }

  removeRegion(id: string): void {
    const regions = this.get().regions.filter((r) => r.id !== id);
    const selected =
      this.get().selected === id ? (regions[regions.length - 1]?.id ?? null) : this.get().selected;
    this.patch({ regions, selected });
  }

  setMuteText(which: 'from' | 'to', text: string): void {
    const { mute: _m, ...errors } = this.get().errors;
    this.patch(which === 'from' ? { muteFrom: text, errors } : { muteTo: text, errors });
  }

  /** Adds the typed muted range; returns false (and says why) if it is not a range. */
  addMute(): boolean {
    const { muteFrom, muteTo, duration, mute } = this.get();
    const err = rangeError(muteFrom, muteTo, duration);
    if (err) {
      this.patch({ errors: { ...this.get().errors, mute: err } });
      return false;
    }
    const range = { from: parseSeconds(muteFrom) ?? 0, to: parseSeconds(muteTo) ?? 0 };
    const { mute: _m, form: _f, ...errors } = this.get().errors;
    const others = mute.filter((m) => m.from !== range.from || m.to !== range.to);
    this.patch({
      mute: [...others, range].sort((a, b) => a.from - b.from),
      muteFrom: '',
      muteTo: '',
      errors,
    });
    return true;
  }

  removeMute(index: number): void {
    this.patch({ mute: this.get().mute.filter((_, i) => i !== index) });
  }

  setReason(reason: string): void {
    const { reason: _r, ...errors } = this.get().errors;
    this.patch({ reason, errors });
  }

  /** Sends the redaction; resolves true when the server accepted the job. */
  async submit(): Promise<boolean> {
    const s = this.get();
    if (s.sending || !s.sourceId || (s.job && !isFinished(s.job.state))) return false;
    const built = buildRedaction(s);
    if ('errors' in built) {
      this.patch({ errors: built.errors });
      return false;
    }
    this.patch({ sending: true, errors: {} });
    try {
      const job = await this.deps.api.createRedaction(s.sourceId, built.body);
      if (this.#disposed) return false;
      // The drafts are done with: the editor closes and the job's progress shows in its place.
      this.patch({ open: false, sending: false, job, progress: null, regions: [], selected: null, mute: [] });
      this.follow(job);
      return true;
    } catch (err) {
      if (!this.#disposed) this.patch({ sending: false, errors: { form: errorMessage(err) } });
      return false;
    }
  }

  dispose(): void {
    this.#disposed = true;
    this.#stopWatch?.();
    this.#stopWatch = null;
  }

  private updateRegion(id: string, fn: (r: RegionDraft) => RegionDraft): void {
    const s = this.get();
    if (!s.regions.some((r) => r.id === id)) return;
    const regionErrors = { ...(s.errors.regions ?? {}) };
    delete regionErrors[id];
    this.patch({
      regions: s.regions.map((r) => (r.id === id ? fn(r) : r)),
      errors: { ...s.errors, regions: regionErrors },
    });
  }

  private applyJob(polled: RedactionJob): void {
    const cur = this.get().job;
    if (!cur || cur.id !== polled.id || !isForward(cur.state, polled.state)) return;
    this.patch({ job: polled });
    if (polled.state === 'done' && !isFinished(cur.state)) this.deps.onFinished(polled);
  }

  private follow(job: RedactionJob): void {
    this.#stopWatch?.();
    if (isFinished(job.state)) {
      if (job.state === 'done') this.deps.onFinished(job);
      return;
    }
    this.#stopWatch = watchJob({
      socket: this.deps.socket,
      jobType: 'redaction',
      jobId: job.id,
      ...(this.deps.pollMs ? { intervalMs: this.deps.pollMs } : {}),
      onUpdate: (u) => {
        const cur = this.get().job;
        if (!cur || !isForward(cur.state, u.state)) return;
        this.patch({ progress: { done: u.done, total: u.total } });
        // "done" from the socket has no result id yet; the poll it triggers brings the full job.
        if (u.state !== 'done' && u.state !== cur.state)
          this.patch({ job: { ...cur, state: u.state as RedactionJob['state'] } });
      },
      poll: async () => {
        const polled = await this.deps.api.redactionJob(job.id);
        if (this.#disposed) return true;
        this.applyJob(polled);
        return isFinished(polled.state);
      },
    });
  }
}
