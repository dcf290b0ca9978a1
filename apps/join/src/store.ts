/** Everything the caller's screen shows, in one plain object. */
export type Screen = 'loading' | 'unavailable' | 'consent' | 'starting' | 'live' | 'refused' | 'ended';
export type Capability = 'pending' | 'on' | 'denied' | 'unavailable' | 'off';
export type Link = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface CallerState {
  screen: Screen;
  agency: string;
  camera: Capability;
  microphone: Capability;
  location: Capability;
  /** Signalling connection to the server. */
  link: Link;
  /** Media connection (WebRTC) to the server. */
  media: 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed';
  /** Accuracy of the last fix, metres. */
  accuracy: number | null;
  error: string | null;
}

export const initialState: CallerState = {
  screen: 'loading',
  agency: 'the police',
  camera: 'pending',
  microphone: 'pending',
  location: 'pending',
  link: 'connecting',
  media: 'idle',
  accuracy: null,
  error: null,
};

type Listener = (s: CallerState) => void;

/** A minimal observable store: the UI renders from state; everything else updates it. */
export class Store {
  #state: CallerState = initialState;
  #listeners = new Set<Listener>();

  get state(): CallerState {
    return this.#state;
  }

  update(patch: Partial<CallerState>): void {
    const next = { ...this.#state, ...patch };
    if (Object.keys(patch).every((k) => next[k as keyof CallerState] === this.#state[k as keyof CallerState]))
      return;
    this.#state = next;
    for (const l of this.#listeners) l(next);
  }

  subscribe(l: Listener): void {
    this.#listeners.add(l);
    l(this.#state);
  }
}
