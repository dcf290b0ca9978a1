import { type RefObject, useEffect, useMemo } from 'react';
import { useApp } from '../app/context.js';
import { useStore } from '../lib/use-store.js';
import type { ExposureTarget } from './exposure-reporter.js';
import { SAFE_DEFAULTS, ViewShield } from './view-shield.js';

/**
 * Protects one view: a fresh shield (blurred and muted, or the force's default) for each
 * target, the video's sound following it, and the time seen clearly reported to the exposure
 * log. "Playing" is the element's own state: paused, buffering or emptied does not count.
 */
export function useViewerProtection(
  videoRef: RefObject<HTMLVideoElement | null>,
  target: ExposureTarget | null,
  what: string,
  /** A wall tile: never sound, whatever the force's default (sixteen callers at once are noise). */
  { silent = false }: { silent?: boolean } = {},
): ViewShield {
  const { config, exposure } = useApp();
  const settings = useStore(config)?.viewerProtection ?? null;
  const key = target ? `${target.kind}:${target.sessionId}:${target.itemId ?? ''}` : '';
  // One shield per target: another recording in the same player starts protected again. The
  // force's settings are read once here; later arrivals go through applyDefaults below.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names the target; settings apply below.
  const current = useMemo(() => new ViewShield(settings ?? SAFE_DEFAULTS, what), [key, what]);
  useEffect(() => {
    if (settings) current.applyDefaults(settings);
  }, [settings, current]);

  const { muted } = useStore(current.state);
  useEffect(() => {
    const v = videoRef.current;
    if (v) v.muted = silent || muted;
  }, [muted, silent, videoRef]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names the target; a new one is a new view.
  useEffect(() => {
    const v = videoRef.current;
    if (!target || !v) return;
    const view = exposure.track(target);
    const isPlaying = () => !v.paused && !v.ended && v.readyState >= HTMLMediaElement.HAVE_FUTURE_DATA;
    const onPlaying = () => view.meter.setPlaying(true);
    const onStopped = () => view.meter.setPlaying(isPlaying());
    const stopEvents = ['pause', 'ended', 'emptied', 'waiting'] as const;
    v.addEventListener('playing', onPlaying);
    for (const e of stopEvents) v.addEventListener(e, onStopped);
    view.meter.setPlaying(isPlaying());
    view.meter.setClear(current.state.get().clear);
    const offClear = current.state.subscribe(() => view.meter.setClear(current.state.get().clear));
    return () => {
      offClear();
      v.removeEventListener('playing', onPlaying);
      for (const e of stopEvents) v.removeEventListener(e, onStopped);
      view.stop();
    };
  }, [key, current, exposure, videoRef]);

  return current;
}
