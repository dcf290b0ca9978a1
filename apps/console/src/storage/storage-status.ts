import type { StorageAreaStatus, StorageStatus } from '@sightline/protocol';
import { formatHm } from '../lib/format.js';
import { Store } from '../lib/store.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';

export interface StorageNotice {
  title: string;
  text: string;
}

/**
 * What the storage banner says while the evidence store or the spool cannot be
 * written, or null when both are fine. Callers' files are kept and stored later,
 * so the officer learns what is delayed and who should act, not that data is gone.
 */
export function storageNotice(status: StorageStatus | null): StorageNotice | null {
  if (!status) return null;
  const down = (['evidence', 'spool'] as const)
    .map((area) => ({ area, s: status[area] }))
    .filter((a): a is { area: 'evidence' | 'spool'; s: StorageAreaStatus } => a.s.state !== 'ok');
  if (down.length === 0) return null;
  const causes = down.map(
    (a) => `${a.s.message ?? `${a.area} storage unavailable`} since ${formatHm(a.s.since)}`,
  );
  return {
    title: down.some((a) => a.area === 'evidence')
      ? 'Evidence cannot be saved.'
      : 'Files cannot be received.',
    text: `${sentence(causes.join('; '))} Callers' photos, videos and recordings are kept and saved once there is room. Tell your system administrator.`,
  };
}

const sentence = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;

/** The server's storage health (storage.status on the console socket; absent means fine). */
export class StorageStore extends Store<StorageStatus | null> {
  constructor() {
    super(null);
  }

  connect(socket: ConsoleSocket): () => void {
    return socket.onMessage((msg) => {
      if (msg.type === 'storage.status') this.set(msg.storage);
    });
  }
}
