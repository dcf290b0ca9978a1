import type { SessionMode, TimelineEvent } from '@sightline/protocol';
import { useEffect, useState } from 'react';
import { useApp, useCan } from '../app/context.js';
import { OutcomesPanel } from './OutcomesPanel.js';
import { kindsFor } from './outcome-model.js';
import { OutcomesStore } from './outcomes-store.js';

/** The session page's outcomes card: one store per session, reloaded when the timeline says so. */
export function SessionOutcomes({
  sessionId,
  mode,
  timeline,
  now,
}: {
  sessionId: string;
  mode: SessionMode;
  timeline: readonly TimelineEvent[];
  now: number;
}) {
  const { api } = useApp();
  const can = useCan();
  const [store, setStore] = useState<OutcomesStore | null>(null);
  useEffect(() => {
    const s = new OutcomesStore(api, sessionId, kindsFor(mode)[0]!);
    setStore(s);
    void s.load();
    return () => s.dispose();
  }, [api, sessionId, mode]);
  useEffect(() => store?.onTimeline(timeline), [store, timeline]);
  if (!store) return null;
  return <OutcomesPanel store={store} kinds={kindsFor(mode)} canRecord={can('outcome:record')} now={now} />;
}
