import { describe, expect, it, vi } from 'vitest';
import { Store } from './store.js';

// The camera opens slowly (a permission prompt, a cold sensor). If the session ends
// meanwhile, the page must stay on the ended screen with the camera off, not come back
// as "Video on / Connection good" for a call that no longer exists.

let releaseCamera: (() => void) | null = null;
const track = { stop: vi.fn(), kind: 'video' };
const publisherStarts = vi.fn();

vi.mock('./publisher.js', () => ({
  openCamera: () =>
    new Promise((resolve) => {
      releaseCamera = () =>
        resolve({
          stream: { getTracks: () => [track], getVideoTracks: () => [track] },
          camera: 'on',
          microphone: 'on',
        });
    }),
  Publisher: class {
    start = publisherStarts;
    stop() {}
    torchSupported() {
      return false;
    }
  },
}));
vi.mock('./location.js', () => ({ watchLocation: () => () => {} }));

describe('MediaController after the session ends', () => {
  it('keeps the ended screen and stops the camera that finished opening after the end', async () => {
    vi.stubGlobal('RTCPeerConnection', class {});
    const { MediaController } = await import('./media-controller.js');
    const store = new Store();
    store.update({ mode: 'video', screen: 'starting' });
    const preview = { srcObject: null } as unknown as HTMLVideoElement;
    const media = new MediaController(
      store,
      () => null,
      () => ({ iceServers: [] }),
      preview,
      preview,
    );

    const sharing = media.share();
    // The officer ends the session while the camera is still opening.
    store.update({ screen: 'ended', camera: 'off' });
    await media.stop();
    releaseCamera!();
    await sharing;

    expect(store.state.screen).toBe('ended');
    expect(store.state.camera).toBe('off');
    expect(track.stop).toHaveBeenCalled();
    expect(publisherStarts).not.toHaveBeenCalled();
    vi.unstubAllGlobals();
  });
});
