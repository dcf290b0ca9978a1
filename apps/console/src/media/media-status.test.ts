import type { MediaPlaneStatus } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { MediaStore, mediaNotice } from './media-status.js';

const up = (patch: Partial<MediaPlaneStatus> = {}): MediaPlaneStatus => ({
  state: 'up',
  since: new Date(2025, 10, 28, 14, 5).getTime(),
  restarts: 0,
  lastError: null,
  managed: true,
  ...patch,
});

describe('mediaNotice', () => {
  it('says nothing while the media server has always been up', () => {
    expect(mediaNotice({ status: up(), sawOutage: false, dismissedKey: null })).toBeNull();
  });

  it("shows the outage with the server's reason", () => {
    const n = mediaNotice({
      status: up({ state: 'down', lastError: 'Media server stopped unexpectedly (killed by SIGKILL).' }),
      sawOutage: true,
      dismissedKey: null,
    });
    expect(n?.kind).toBe('down');
    expect(n?.text).toContain('killed by SIGKILL');
  });

  it('after recovery, says when it restarted and how often', () => {
    const n = mediaNotice({
      status: up({ restarts: 2, lastError: 'boom' }),
      sawOutage: true,
      dismissedKey: null,
    });
    expect(n).toMatchObject({
      kind: 'restarted',
      text: 'Media server restarted at 14:05 (2 restarts).',
      detail: 'boom',
    });
  });

  it('stays dismissed for that restart only', () => {
    const store = new MediaStore();
    store.update(up({ state: 'down' }));
    store.update(up({ restarts: 1 }));
    const n = mediaNotice(store.get());
    if (n?.kind !== 'restarted') throw new Error('expected a restart notice');
    store.dismiss(n.key);
    expect(mediaNotice(store.get())).toBeNull();
    store.update(up({ restarts: 2, since: n ? 1 : 0 }));
    expect(mediaNotice(store.get())?.kind).toBe('restarted');
  });

  it('notices a reconnection even when the server does not count it as a restart', () => {
    const store = new MediaStore();
    store.update(up({ state: 'down', managed: false }));
    store.update(up({ managed: false }));
    expect(mediaNotice(store.get())?.text).toBe('Media server reconnected at 14:05.');
  });
});
