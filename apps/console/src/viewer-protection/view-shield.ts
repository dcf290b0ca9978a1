import { Store } from '../lib/store.js';

export interface ShieldState {
  /** The picture is shown as it is (the officer chose to see clearly). */
  clear: boolean;
  muted: boolean;
  /** What a screen reader announces after a change (a polite live region), or '' before any. */
  announcement: string;
}

export interface ShieldDefaults {
  startBlurred: boolean;
  startMuted: boolean;
}

/** Before the force's settings arrive (and if they never do), the safe choice: blurred and muted. */
export const SAFE_DEFAULTS: ShieldDefaults = { startBlurred: true, startMuted: true };

/**
 * One view's protection: blurred until the officer chooses to see clearly, muted until they
 * unmute. One per view and forgotten with it: opening the next session (or the next
 * recording) starts protected again, whatever was chosen here. The force's default comes
 * from its settings, which may arrive after the view; it applies only until the officer chooses.
 */
export class ViewShield {
  readonly state: Store<ShieldState>;
  #chosenClear = false;
  #chosenSound = false;

  constructor(
    defaults: ShieldDefaults = SAFE_DEFAULTS,
    private readonly what = 'video',
  ) {
    this.state = new Store<ShieldState>({
      clear: !defaults.startBlurred,
      muted: defaults.startMuted,
      announcement: '',
    });
  }

  /** The force's defaults, once known; a choice the officer already made stands. */
  applyDefaults(d: ShieldDefaults): void {
    if (!this.#chosenClear) this.state.patch({ clear: !d.startBlurred });
    if (!this.#chosenSound) this.state.patch({ muted: d.startMuted });
  }

  seeClearly(): void {
    this.#chosenClear = true;
    this.state.patch({ clear: true, announcement: `The ${this.what} is shown clearly.` });
  }

  blurAgain(): void {
    this.#chosenClear = true;
    this.state.patch({ clear: false, announcement: `The ${this.what} is blurred.` });
  }

  toggleClear(): void {
    if (this.state.get().clear) this.blurAgain();
    else this.seeClearly();
  }

  toggleMuted(): void {
    this.#chosenSound = true;
    const muted = !this.state.get().muted;
    this.state.patch({ muted, announcement: muted ? 'Sound off.' : 'Sound on.' });
  }

  /** The browser refused to play with sound (autoplay policy): show it muted rather than stopped. */
  forcedMute(): void {
    this.state.patch({ muted: true });
  }
}
