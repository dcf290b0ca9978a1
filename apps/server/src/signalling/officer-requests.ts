import type { CallerMediaState, OfficerRequestAction, QualityLevel } from '@sightline/protocol';
import type { Random } from '../adapters/random.js';
import type { EventBus } from '../events/event-bus.js';
import { DomainError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { SessionService } from '../sessions/session.service.js';
import type { CallerQuality, CallerStateStore } from './caller-state.js';

const TIMELINE_TEXT: Record<OfficerRequestAction, string> = {
  'switch-camera': 'switch camera',
  'torch-on': 'turn the torch on',
  'torch-off': 'turn the torch off',
};

const unreachable = () =>
  new DomainError(
    'media_unavailable',
    'the servers cannot reach each other right now; try again in a moment',
  );

/**
 * Between the officer's console and the caller's page: requests the caller must
 * answer (nothing happens on the phone without them), and what the phone reports
 * about its controls and connection. Changes go on the timeline. The officer and the
 * caller may be on different instances: requests and answers travel as events
 * (`caller.request`, `caller.answered`, `caller.media`, `caller.quality`) and what is
 * pending or last reported lives in the shared CallerStateStore.
 */
export class CallerSide {
  constructor(
    private readonly sessions: SessionService,
    private readonly random: Random,
    private readonly store: CallerStateStore,
    private readonly events: EventBus,
    private readonly log: Logger,
  ) {
    events.subscribe('session.ended', ({ sessionId }) => this.store.forget(sessionId));
  }

  async request(sessionId: string, officerName: string, action: OfficerRequestAction): Promise<string> {
    const row = await this.sessions.get(sessionId);
    if (row.state !== 'live')
      throw new DomainError('session_not_live', 'the caller is not sharing video right now');
    const requestId = this.random.id();
    await this.store.putRequest(requestId, { sessionId, action }).catch((err: unknown) => {
      this.log.warn({ err, sessionId }, 'caller requests: could not store a request');
      throw unreachable();
    });
    await this.sessions.addEvent(sessionId, 'request.sent', officerName, TIMELINE_TEXT[action]);
    this.events.publish('caller.request', { sessionId, requestId, action, officerName });
    return requestId;
  }

  async answer(sessionId: string, requestId: string, accepted: boolean): Promise<void> {
    const r = await this.store.takeRequest(requestId).catch((err: unknown) => {
      this.log.warn({ err, sessionId }, 'caller requests: could not read a request');
      throw unreachable();
    });
    if (!r || r.sessionId !== sessionId)
      throw new DomainError('not_found', 'no such request (it may have been answered)');
    await this.sessions.addEvent(
      sessionId,
      accepted ? 'request.accepted' : 'request.declined',
      'caller',
      TIMELINE_TEXT[r.action],
    );
    this.events.publish('caller.answered', { sessionId, requestId, action: r.action, accepted });
  }

  /**
   * The phone's controls changed. If the shared store cannot be read (Redis down), the
   * timeline gets the whole state rather than missing a change.
   */
  async media(sessionId: string, state: CallerMediaState): Promise<void> {
    const before = await this.store.swapMedia(sessionId, state).catch((err: unknown) => {
      this.log.warn({ err, sessionId }, 'caller state: could not store the media state');
      return null;
    });
    const changes: string[] = [];
    if (before?.video !== state.video) changes.push(`video ${state.video}`);
    if (before?.audio !== state.audio) changes.push(`microphone ${state.audio}`);
    if (before?.camera !== state.camera && state.camera !== 'unknown') changes.push(`${state.camera} camera`);
    if (before && before.torch !== state.torch) changes.push(`torch ${state.torch ? 'on' : 'off'}`);
    if (changes.length)
      await this.sessions.addEvent(sessionId, 'caller.controls', 'caller', changes.join(', '));
    this.events.publish('caller.media', { sessionId, state });
  }

  /** What the phone last reported, for a console that starts watching after it did. */
  current(sessionId: string): Promise<{ media: CallerMediaState | null; quality: CallerQuality | null }> {
    return this.store.current(sessionId).catch((err: unknown) => {
      this.log.warn({ err, sessionId }, 'caller state: could not read it');
      return { media: null, quality: null };
    });
  }

  /**
   * The phone's connection quality (every 2 s). The timeline notes changes of level; if
   * the store cannot be read (Redis down) no entry is written, since the level is
   * reported again two seconds later and would otherwise fill the timeline.
   */
  async quality(sessionId: string, level: QualityLevel, kbps: number): Promise<void> {
    let before: QualityLevel | null | undefined;
    try {
      before = await this.store.swapQuality(sessionId, { level, kbps });
    } catch (err) {
      this.log.warn({ err, sessionId }, 'caller state: could not store the quality');
    }
    if (before !== undefined && before !== level)
      await this.sessions.addEvent(
        sessionId,
        'caller.quality',
        null,
        `${level} (${Math.round(kbps)} kbit/s)`,
      );
    this.events.publish('caller.quality', { sessionId, level, kbps });
  }
}
