import { type FormEvent, useEffect, useRef } from 'react';
import { percent } from '../jobs/job-watch.js';
import { CopyButton } from '../lib/CopyButton.js';
import { fieldAria } from '../lib/Field.js';
import { formatBytes } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { downloadable, downloadUrl, FORCE_KEY_FILE, publicKeyHref, VERIFY_COMMAND } from './export-model.js';
import type { ExportStore } from './export-store.js';

const STATE_TEXT = {
  queued: 'Waiting to start…',
  running: 'Packaging and signing…',
  done: 'Ready to download.',
  failed: 'The export failed.',
  disposed: 'This package has been deleted under the retention policy, with the media it held.',
} as const;

/**
 * "Export evidence": a button and the modal dialog it opens. The dialog asks
 * why (the reason goes in the audit trail and the package), follows the job,
 * then offers the zip with its hash and how the recipient verifies it.
 */
export function ExportDialog({
  store,
  openLabel,
  title,
  what,
  disabled,
}: {
  store: ExportStore;
  openLabel: string;
  title: string;
  /** What the package will contain, in a sentence. */
  what: string;
  disabled?: boolean;
}) {
  const st = useStore(store);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);

  // showModal() traps focus and makes the page behind inert; the store decides whether it is open.
  useEffect(() => {
    const d = dialogRef.current;
    if (!d) return;
    if (st.open && !d.open) d.showModal();
    if (!st.open && d.open) {
      d.close();
      openerRef.current?.focus();
    }
  }, [st.open]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void store.submit();
  };
  const job = st.job;
  const pct = job ? percent(job.progress.done, job.progress.total) : null;
  const busy = st.sending || (job !== null && (job.state === 'queued' || job.state === 'running'));

  return (
    <>
      <button
        type="button"
        ref={openerRef}
        className="btn btn-primary"
        data-testid="export-open"
        disabled={disabled}
        onClick={() => store.open()}
      >
        {openLabel}
      </button>
      {job && !st.open ? (
        <p className="small muted export-bg" role="status">
          Export {job.state === 'done' ? 'ready' : job.state}.{' '}
          <button type="button" className="btn btn-secondary btn-small" onClick={() => store.open()}>
            Show
          </button>
        </p>
      ) : null}
      <dialog
        ref={dialogRef}
        className="dialog"
        aria-labelledby="export-title"
        onClose={() => store.close()}
        onCancel={() => store.close()}
      >
        <div className="dialog-head">
          <h2 id="export-title">{title}</h2>
          <button type="button" className="btn btn-quiet btn-small" onClick={() => store.close()}>
            Close
          </button>
        </div>
        <p className="small">{what}</p>
        {!job || job.state === 'failed' || job.state === 'disposed' ? (
          <form className="stack" onSubmit={onSubmit} noValidate>
            <div className="field">
              <label htmlFor="export-reason">Reason for the export</label>
              <textarea
                {...fieldAria('export-reason', 'y', st.error)}
                data-testid="export-reason"
                rows={3}
                maxLength={500}
                value={st.reason}
                onChange={(e) => store.setReason(e.target.value)}
              />
              <p id="export-reason-hint" className="field-hint">
                E.g. “Disclosure to CPS, case 12/345”. It is recorded in the audit trail and inside the
                package.
              </p>
              {st.error ? (
                <p id="export-reason-error" className="field-error" role="alert">
                  {st.error}
                </p>
              ) : null}
            </div>
            <button type="submit" className="btn btn-primary" data-testid="export-submit" disabled={busy}>
              {st.sending ? 'Starting…' : job?.state === 'failed' ? 'Try again' : 'Start export'}
            </button>
          </form>
        ) : null}
        {job ? (
          <div className="export-progress" data-testid="export-progress" data-state={job.state} role="status">
            <p className="export-state">
              {STATE_TEXT[job.state]}
              {pct !== null && job.state !== 'done' ? ` ${pct}%` : ''}
            </p>
            <progress
              max={100}
              value={job.state === 'done' ? 100 : (pct ?? undefined)}
              aria-label="Export progress"
            />
            {job.state === 'failed' && job.error ? <p className="form-error">{job.error}</p> : null}
          </div>
        ) : null}
        {downloadable(job) ? (
          <div className="export-result stack">
            <p>
              <a
                className="btn btn-primary"
                data-testid="export-download"
                href={downloadUrl(job.id)}
                download={job.fileName ?? undefined}
              >
                Download {job.fileName ?? 'export'}
                {job.size !== null ? ` (${formatBytes(job.size)})` : ''}
              </a>
            </p>
            <div className="ev-hash">
              <span className="ev-hash-label">SHA-256 of the zip</span>
              <code className="mono ev-hash-value" data-testid="export-sha256">
                {job.sha256}
              </code>
              <CopyButton text={job.sha256} label="Copy hash" />
            </div>
            <Verify store={store} />
          </div>
        ) : null}
      </dialog>
    </>
  );
}

/** How the recipient checks the package: the command, the key and its fingerprint. */
function Verify({ store }: { store: ExportStore }) {
  const key = useStore(store).key;
  return (
    <div className="export-verify">
      <h3>Verifying the package</h3>
      <p className="small">
        Anyone receiving the zip can check that nothing in it has changed since it was signed, and that this
        force signed it. Download the force's public key below, save it as <code>{FORCE_KEY_FILE}</code> next
        to the zip (not the copy inside the zip, which proves only that the package is self-consistent) and
        run:
      </p>
      <div className="ev-hash">
        <code className="mono export-verify-cmd" data-testid="export-verify-command">
          {VERIFY_COMMAND}
        </code>
        <CopyButton text={VERIFY_COMMAND} label="Copy command" />
      </div>
      {key ? (
        <p className="small">
          Signing key fingerprint: <code data-testid="export-key-fingerprint">{key.fingerprint}</code>{' '}
          <a href={publicKeyHref(key.publicKeyPem)} download={FORCE_KEY_FILE}>
            Download the public key
          </a>
          . Give the recipient this fingerprint by a separate channel (e.g. by phone) so they can be sure the
          key is ours.
        </p>
      ) : (
        <p className="small muted">The signing key's fingerprint could not be loaded.</p>
      )}
    </div>
  );
}
