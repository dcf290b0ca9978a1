import { useApp } from '../app/context.js';
import { useStore } from '../lib/use-store.js';
import { storageNotice } from './storage-status.js';

/** Evidence store or spool full or read-only, for everyone signed in (announced to screen readers). */
export function StorageBanner() {
  const { storage } = useApp();
  const notice = storageNotice(useStore(storage));
  return (
    <div className="banner-slot" role="status" aria-live="assertive">
      {notice ? (
        <div className="banner banner-danger" data-testid="storage-status">
          <strong className="banner-title">{notice.title}</strong> {notice.text}
        </div>
      ) : null}
    </div>
  );
}
