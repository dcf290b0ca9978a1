import type { CallerMediaState, OfficerRequestAction, QualityLevel } from '@sightline/protocol';
import type { Random } from '../adapters/random.js';
import { DomainError } from '../lib/errors.js';
import { TypedEmitter } from '../lib/typed-emitter.js';
import type { SessionService } from '../sessions/session.service.js';

export interface CallerSideEvents {
  /** An officer asked the caller's phone to do something. */
  request: (
    sessionId: string,
    r: { requestId: string; action: OfficerRequestAction; officerName: string },
  ) => void;
  answered: (
    sessionId: string,
    r: { requestId: string; action: OfficerRequestAction; accepted: boolean },
  ) => void;
  media: (sessionId: string, state: CallerMediaState) => void;
  quality: (sessionId: string, level: QualityLevel, kbps: number) => void;
}

const TIMELINE_TEXT: Record<OfficerRequestAction, string> = {
  'switch-camera': 'switch camera',
  'torch-on': 'turn the torch on',
  'torch-off': 'turn the torch off',
};

/**
 * Between the officer's console and the caller's page: requests the caller must
 * answer (nothing happens on the phone without them), and what the phone reports
 * about its controls and connection. Changes go on the timeline.
 */
export class CallerSide extends TypedEmitter<CallerSideEvents> {
  readonly #pending = new Map<string, { sessionId: string; action: OfficerRequestAction }>();
  readonly #lastMedia = new Map<string, CallerMediaState>();
  readonly #lastQuality = new Map<string, QualityLevel>();
  readonly #lastKbps = new Map<string, number>();

  constructor(
    private readonly sessions: SessionService,
    private readonly random: Random,
  ) {
    super();
    sessions.on('ended', (id) => {
      this.#lastMedia.delete(id);
      this.#lastQuality.delete(id);
      this.#lastKbps.delete(id);
      for (const [k, v] of this.#pending) if (v.sessionId === id) this.#pending.delete(k);
    });
  }

  async request(sessionId: string, officerName: string, action: OfficerRequestAction): Promise<string> {
    const row = await this.sessions.get(sessionId);
    if (row.state !== 'live')
      throw new DomainError('session_not_live', 'the caller is not sharing video right now');
    const requestId = this.random.id();
    this.#pending.set(requestId, { sessionId, action });
    await this.sessions.addEvent(sessionId, 'request.sent', officerName, TIMELINE_TEXT[action]);
    this.safeEmit('request', sessionId, { requestId, action, officerName });
    return requestId;
  }

  async answer(sessionId: string, requestId: string, accepted: boolean): Promise<void> {
    const r = this.#pending.get(requestId);
    if (!r || r.sessionId !== sessionId)
      throw new DomainError('not_found', 'no such request (it may have been answered)');
    this.#pending.delete(requestId);
    await this.sessions.addEvent(
      sessionId,
      accepted ? 'request.accepted' : 'request.declined',
      'caller',
      TIMELINE_TEXT[r.action],
    );
    this.safeEmit('answered', sessionId, { requestId, action: r.action, accepted });
  }

  async media(sessionId: string, state: CallerMediaState): Promise<void> {
    const before = this.#lastMedia.get(sessionId);
    this.#lastMedia.set(sessionId, state);
    const changes: string[] = [];
    if (before?.video !== state.video) changes.push(`video ${state.video}`);
    if (before?.audio !== state.audio) changes.push(`microphone ${state.audio}`);
    if (before?.camera !== state.camera && state.camera !== 'unknown') changes.push(`${state.camera} camera`);
    if (before && before.torch !== state.torch) changes.push(`torch ${state.torch ? 'on' : 'off'}`);
    if (changes.length)
      await this.sessions.addEvent(sessionId, 'caller.controls', 'caller', changes.join(', '));
    this.safeEmit('media', sessionId, state);
  }

  /** What the phone last reported, for a console that starts watching after it did. */
  current(sessionId: string): {
    media: CallerMediaState | null;
    quality: { level: QualityLevel; kbps: number } | null;
  } {
    const level = this.#lastQuality.get(sessionId);
    return {
      media: this.#lastMedia.get(sessionId) ?? null,
      quality: level ? { level, kbps: this.#lastKbps.get(sessionId) ?? 0 } : null,
    };
  }

  async quality(sessionId: string, level: QualityLevel, kbps: number): Promise<void> {
    this.#lastKbps.set(sessionId, kbps);
    if (this.#lastQuality.get(sessionId) !== level) {
      this.#lastQuality.set(sessionId, level);
      await this.sessions.addEvent(
        sessionId,
        'caller.quality',
        null,
        `${level} (${Math.round(kbps)} kbit/s)`,
      );
    }
    this.safeEmit('quality', sessionId, level, kbps);
  }
}
