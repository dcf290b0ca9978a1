import type {
  BailCheckDetails,
  Check,
  CheckStatus,
  ScheduleChecksRequest,
  ScheduleChecksResponse,
} from '@sightline/protocol';
import { ApiRequestError, type Body, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';
import {
  crossedBoundary,
  type ScheduleErrors,
  type ScheduleFields,
  validateSchedule,
} from './checks-model.js';

export interface ChecksApi {
  checks(query: { scope: 'mine' | 'all'; status?: CheckStatus }): Promise<Check[]>;
  /** `key`: one press of Schedule; the server answers a repeat with the series the first made. */
  scheduleChecks(body: Body<typeof ScheduleChecksRequest>, key: string): Promise<ScheduleChecksResponse>;
  cancelSeries(seriesId: string, reason: string): Promise<{ cancelled: number }>;
}

export interface ChecksState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  checks: Check[];
  scope: 'mine' | 'all';
  filter: CheckStatus | null;
  error: string | null;
  form: ScheduleFields;
  errors: ScheduleErrors;
  saving: boolean;
  /** What the last action did, for the status line ("14 checks scheduled"). */
  notice: string | null;
}

export const EMPTY_SCHEDULE: ScheduleFields = {
  phone: '',
  reference: '',
  language: 'en',
  subject: '',
  condition: 'curfew',
  conditionDetail: '',
  firstDate: '',
  start: '21:00',
  minutes: '30',
  count: '14',
  everyDays: '1',
};

/**
 * The upcoming-and-missed checks page: one audited list read per load (never on a timer; the
 * countdowns tick in the page), the schedule form, and cancelling the rest of a series.
 */
export class ChecksStore extends Store<ChecksState> {
  #seq = 0;
  /** The key of the press whose answer has not come: pressing again on the same form repeats it. */
  #key: string | null = null;
  /** The last window edge a reload was made for. */
  #refreshed = 0;

  constructor(
    private readonly api: ChecksApi,
    private readonly newKey: () => string = () => crypto.randomUUID(),
  ) {
    super({
      status: 'idle',
      checks: [],
      scope: 'mine',
      filter: null,
      error: null,
      form: EMPTY_SCHEDULE,
      errors: {},
      saving: false,
      notice: null,
    });
  }

  async load(change: Partial<Pick<ChecksState, 'scope' | 'filter'>> = {}): Promise<void> {
    const seq = ++this.#seq;
    this.patch({ ...change, status: 'loading', error: null });
    const { scope, filter } = this.get();
    try {
      const checks = await this.api.checks({ scope, ...(filter ? { status: filter } : {}) });
      if (seq === this.#seq) this.patch({ status: 'ready', checks });
    } catch (err) {
      if (seq === this.#seq) this.patch({ status: 'error', error: errorMessage(err) });
    }
  }

  /**
   * Reloads once a listed window has opened or closed (upcoming → open, open → missed or done);
   * once per crossing, so a server that still says "upcoming" for a moment is not asked again each second.
   */
  refreshIfStale(now: number): void {
    const { status, checks } = this.get();
    const crossed = status === 'ready' ? crossedBoundary(checks, now) : null;
    if (crossed === null || crossed <= this.#refreshed) return;
    this.#refreshed = crossed;
    void this.load();
  }

  setField(patch: Partial<ScheduleFields>): void {
    const errors = { ...this.get().errors };
    for (const k of Object.keys(patch)) delete errors[k as keyof ScheduleFields];
    this.#key = null; // a changed form is a new series
    this.patch({ form: { ...this.get().form, ...patch }, errors });
  }

  /** Schedules the series; resolves true when it was created. */
  async schedule(): Promise<boolean> {
    const { form, saving } = this.get();
    if (saving) return false;
    const errors = validateSchedule(form);
    if (Object.keys(errors).length) {
      this.patch({ errors });
      return false;
    }
    this.patch({ saving: true, errors: {}, notice: null });
    try {
      this.#key ??= this.newKey();
      const res = await this.api.scheduleChecks(scheduleRequest(form), this.#key);
      this.#key = null;
      this.patch({
        saving: false,
        form: EMPTY_SCHEDULE,
        notice: `${res.checks.length} ${res.checks.length === 1 ? 'check' : 'checks'} scheduled. Each link is texted as its window opens.`,
      });
      await this.load();
      return true;
    } catch (err) {
      this.patch({ saving: false, errors: scheduleErrors(err) });
      return false;
    }
  }

  async cancelSeries(seriesId: string, reason: string): Promise<void> {
    try {
      const { cancelled } = await this.api.cancelSeries(seriesId, reason);
      this.patch({ notice: `${cancelled} ${cancelled === 1 ? 'check' : 'checks'} cancelled.` });
      await this.load();
    } catch (err) {
      this.patch({ error: errorMessage(err) });
    }
  }
}

/** The request for the form: a daily (or every n days) repeat rule in the force's time zone. */
export function scheduleRequest(f: ScheduleFields): Body<typeof ScheduleChecksRequest> {
  const subject = f.subject.trim();
  return {
    phone: f.phone.trim(),
    ...(f.reference.trim() ? { reference: f.reference.trim() } : {}),
    language: f.language as Body<typeof ScheduleChecksRequest>['language'],
    ...(subject
      ? {
          details: {
            subject,
            condition: f.condition as BailCheckDetails['condition'],
            conditionDetail: f.conditionDetail.trim(),
          },
        }
      : {}),
    repeat: {
      firstDate: f.firstDate,
      start: f.start,
      minutes: Number(f.minutes),
      count: Number(f.count),
      everyDays: Number(f.everyDays),
    },
  };
}

function scheduleErrors(err: unknown): ScheduleErrors {
  if (!(err instanceof ApiRequestError)) return { form: errorMessage(err) };
  if (err.code === 'invalid_phone_number') return { phone: err.fields.phone ?? err.message };
  return { form: err.message };
}
