import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keepScreenOn } from './wake-lock.js';

// A fake Screen Wake Lock API: each request waits until the test grants it, and the test
// counts the locks still held — what decides whether the phone's screen can ever sleep.

interface Lock {
  released: boolean;
  release(): Promise<void>;
}
let grants: ((lock: Lock) => void)[] = [];
let held: Lock[] = [];
let listeners: (() => void)[] = [];
const doc = { visibilityState: 'visible' as DocumentVisibilityState };

function lock(): Lock {
  const l: Lock = {
    released: false,
    release: async () => {
      l.released = true;
      held = held.filter((h) => h !== l);
    },
  };
  return l;
}
const grantAll = async () => {
  for (const g of grants.splice(0)) {
    const l = lock();
    held.push(l);
    g(l);
  }
  await Promise.resolve();
};
function becomes(state: DocumentVisibilityState) {
  doc.visibilityState = state;
  for (const l of [...listeners]) l();
}

beforeEach(() => {
  grants = [];
  held = [];
  listeners = [];
  doc.visibilityState = 'visible';
  vi.stubGlobal('navigator', {
    wakeLock: { request: () => new Promise<Lock>((resolve) => grants.push(resolve)) },
  });
  vi.stubGlobal('document', {
    get visibilityState() {
      return doc.visibilityState;
    },
    addEventListener: (_: string, l: () => void) => listeners.push(l),
    removeEventListener: (_: string, l: () => void) => {
      listeners = listeners.filter((x) => x !== l);
    },
  });
});
afterEach(() => vi.unstubAllGlobals());

describe('keepScreenOn', () => {
  it('holds one lock however often the page becomes visible while a request is pending, and lets go of it', async () => {
    const letSleep = keepScreenOn();
    becomes('visible');
    becomes('visible');
    await grantAll();
    expect(held).toHaveLength(1);
    letSleep();
    await Promise.resolve();
    expect(held).toHaveLength(0);
  });

  it('asks again when the page is back on screen after the browser dropped the lock', async () => {
    const letSleep = keepScreenOn();
    await grantAll();
    becomes('hidden');
    await held[0]?.release(); // the browser drops it for a hidden page
    becomes('visible');
    await grantAll();
    expect(held).toHaveLength(1);
    letSleep();
    await Promise.resolve();
    expect(held).toHaveLength(0);
  });

  it('releases a lock granted after the page stopped wanting one', async () => {
    const letSleep = keepScreenOn();
    letSleep();
    await grantAll();
    await Promise.resolve();
    expect(held).toHaveLength(0);
  });
});
