import type { ExportJob } from '@sightline/protocol';
import { isFinished, isForward, type JobUpdate } from '../jobs/job-watch.js';

/** The fingerprint and key a recipient needs to check an export's signature. */
export interface SigningKeyInfo {
  publicKeyPem: string;
  fingerprint: string;
}

export interface ExportState {
  open: boolean;
  reason: string;
  /** Validation or request failure, shown under the reason. */
  error: string | null;
  sending: boolean;
  job: ExportJob | null;
  key: SigningKeyInfo | null;
}

export const initialExport: ExportState = {
  open: false,
  reason: '',
  error: null,
  sending: false,
  job: null,
  key: null,
};

export type ExportAction =
  | { type: 'open' }
  | { type: 'close' }
  | { type: 'reason'; reason: string }
  | { type: 'invalid'; error: string }
  | { type: 'sending' }
  | { type: 'rejected'; error: string }
  | { type: 'created'; job: ExportJob }
  /** A job.updated message from the socket. */
  | { type: 'progress'; update: JobUpdate }
  /** The job as GET /api/exports/:id returned it. */
  | { type: 'polled'; job: ExportJob }
  | { type: 'key'; key: SigningKeyInfo };

/** Why an export is made is part of the record; the server wants at least 5 characters. */
export function validateExportReason(reason: string): string | null {
  const t = reason.trim();
  if (t.length < 5) return 'Give the reason for this export (at least 5 characters).';
  if (t.length > 500) return 'Use at most 500 characters.';
  return null;
}

/** The export dialog's whole state machine: open, reason, request, then the job's progress to a download. */
export function reduceExport(state: ExportState, action: ExportAction): ExportState {
  switch (action.type) {
    case 'open':
      // Reopening after a finished export starts a new one; a running one stays on show.
      return {
        ...state,
        open: true,
        error: null,
        ...(state.job && isFinished(state.job.state) ? { job: null, reason: '' } : {}),
      };
    case 'close':
      return { ...state, open: false };
    case 'reason':
      return { ...state, reason: action.reason, error: null };
    case 'invalid':
      return { ...state, error: action.error };
    case 'sending':
      return { ...state, sending: true, error: null };
    case 'rejected':
      return { ...state, sending: false, error: action.error };
    case 'created':
      return { ...state, sending: false, error: null, job: action.job };
    case 'progress': {
      const { job } = state;
      const u = action.update;
      if (!job || u.jobType !== 'export' || u.jobId !== job.id || !isForward(job.state, u.state))
        return state;
      const next = u.state as ExportJob['state'];
      // Within one state, progress only grows: an older message must not pull the bar back.
      const done = next === job.state ? Math.max(job.progress.done, u.done) : u.done;
      return { ...state, job: { ...job, state: next, progress: { done, total: u.total } } };
    }
    case 'polled': {
      const { job } = state;
      if (!job || action.job.id !== job.id || !isForward(job.state, action.job.state)) return state;
      const polled = action.job;
      const done =
        polled.state === job.state ? Math.max(job.progress.done, polled.progress.done) : polled.progress.done;
      return { ...state, job: { ...polled, progress: { ...polled.progress, done } } };
    }
    case 'key':
      return { ...state, key: action.key };
  }
}

/** Whether the export is finished and its zip can be fetched (the hash is what makes it checkable). */
export function downloadable(job: ExportJob | null): job is ExportJob & { sha256: string } {
  return !!job && job.state === 'done' && !!job.sha256;
}

/** The URL of a finished export's zip. */
export function downloadUrl(jobId: string): string {
  return `/api/exports/${encodeURIComponent(jobId)}/download`;
}

/**
 * The key file a recipient saves from the console. Named apart from the `signing-key.pub.pem`
 * inside every package: checking a package against its own key proves only that it is
 * self-consistent (the verifier says so and exits 3), not that it is ours.
 */
export const FORCE_KEY_FILE = 'force-signing-key.pub.pem';

/** The command a recipient runs to check a zip against the force's key (written as the CLI documents it). */
export const VERIFY_COMMAND = `npx sightline evidence verify <zip> --public-key ${FORCE_KEY_FILE}`;

/** The public key as a file the recipient can save next to the zip. */
export function publicKeyHref(pem: string): string {
  return `data:application/x-pem-file;charset=utf-8,${encodeURIComponent(pem)}`;
}
