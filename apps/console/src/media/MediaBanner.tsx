import { useApp } from '../app/context.js';
import { useStore } from '../lib/use-store.js';
import { mediaNotice } from './media-status.js';

/**
 * Media-server health for everyone signed in. The live region is always in
 * the page (only its content changes) so screen readers announce an outage.
 */
export function MediaBanner() {
  const { media } = useApp();
  const notice = mediaNotice(useStore(media));
  return (
    <div className="banner-slot" role="status" aria-live="assertive">
      {notice?.kind === 'down' ? (
        <div className="banner banner-danger" data-testid="media-status">
          <strong className="banner-title">{notice.title}</strong> {notice.text}
        </div>
      ) : null}
      {notice?.kind === 'restarted' ? (
        <div className="banner banner-warning" data-testid="media-restarted">
          <p>
            <strong className="banner-title">{notice.text}</strong> Live video was interrupted and reconnects
            by itself once callers' phones send again.
            {notice.detail ? <span className="banner-detail"> Last error: {notice.detail}</span> : null}
          </p>
          <button type="button" className="btn btn-quiet btn-small" onClick={() => media.dismiss(notice.key)}>
            Dismiss
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** Shown while the live connection to the server is down: lists and positions are not updating. */
export function LinkBanner() {
  const { socket } = useApp();
  const link = useStore(socket.link);
  return (
    <div className="banner-slot" role="status" aria-live="polite">
      {link === 'reconnecting' ? (
        <div className="banner banner-warning" data-testid="link-status">
          <strong className="banner-title">Reconnecting to the server…</strong> Live updates are paused; what
          you see may be out of date.
        </div>
      ) : null}
    </div>
  );
}
