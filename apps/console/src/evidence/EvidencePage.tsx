import { useEffect, useState } from 'react';
import { useApp, useCan } from '../app/context.js';
import { Link } from '../app/Link.js';
import { usePageTitle } from '../app/use-page-title.js';
import { ExportDialog } from '../exports/ExportDialog.js';
import { formatWhen } from '../lib/format.js';
import { useStore, useStoreValue } from '../lib/use-store.js';
import { NotesPanel } from '../notes/NotesPanel.js';
import { RetentionPanel } from '../retention/RetentionPanel.js';
import { StateBadge } from '../sessions/StateBadge.js';
import { EvidencePanel } from './EvidencePanel.js';
import { EvidencePageController } from './evidence-page-controller.js';
import { PlaybackMap } from './PlaybackMap.js';
import { PlaybackTimeline } from './PlaybackTimeline.js';
import { PlayerCard } from './PlayerCard.js';
import { currentEventIndex, fixIndexAt } from './playback.js';
import { playbackWallClock } from './playback-store.js';

/**
 * A session as evidence (/library/:id): the recording with the map and
 * timeline following it, notes, the stored files and their hashes, retention,
 * export and redaction. The live page (/sessions/:id) stays for live work.
 */
export function EvidencePage({ id, redact }: { id: string; redact: boolean }) {
  const { api, socket, libraryCache, policies, library } = useApp();
  const can = useCan();
  const canReadSession = can('session:read');
  const [ctl, setCtl] = useState<EvidencePageController | null>(null);

  useEffect(() => {
    void policies.load();
    const c = new EvidencePageController(id, {
      api,
      socket,
      cache: libraryCache,
      policies: () => policies.get().policies,
      canReadSession,
      onLibraryUpdated: (s) => library.upsert(s),
    });
    c.start();
    setCtl(c);
    return () => c.dispose();
  }, [id, api, socket, libraryCache, policies, library, canReadSession]);

  return ctl ? (
    <EvidenceView ctl={ctl} redact={redact} />
  ) : (
    <main id="main" className="page">
      <p className="muted">Loading evidence…</p>
    </main>
  );
}

function EvidenceView({ ctl, redact }: { ctl: EvidencePageController; redact: boolean }) {
  const { ticker, policies } = useApp();
  const can = useCan();
  const st = useStore(ctl.state);
  const now = useStore(ticker);
  const policyList = useStore(policies).policies;
  const playingId = useStoreValue(ctl.playback, (p) => p.itemId);
  const { summary, status } = st;
  const title = summary ? (summary.reference ?? `Session for ${summary.phoneMasked}`) : 'Session evidence';
  usePageTitle(`Evidence: ${title}`);

  if (status === 'not-found' || (status === 'error' && !summary)) {
    return (
      <main id="main" className="page page-narrow" tabIndex={-1}>
        <h1>{status === 'not-found' ? 'Session not found' : 'Could not load this session'}</h1>
        <p>{st.error}</p>
        <p>
          <Link href="/library">Back to the evidence library</Link>
        </p>
      </main>
    );
  }

  return (
    <main id="main" className="page evidence-page" tabIndex={-1}>
      <div className="session-head">
        <div className="session-title">
          <Link href="/library" className="back-link">
            ← Evidence library
          </Link>
          <div className="session-title-row">
            <h1>{title}</h1>
            {summary ? <StateBadge state={summary.state} testId="session-state" large /> : null}
          </div>
          {summary ? (
            <p className="session-meta">
              <span className="mono">{summary.phoneMasked}</span>
              <span>
                Sent {formatWhen(summary.createdAt, now)} by {summary.createdBy.name}
              </span>
              {can('session:read') ? (
                <Link href={`/sessions/${encodeURIComponent(ctl.sessionId)}`}>Live view of this session</Link>
              ) : null}
            </p>
          ) : null}
        </div>
        {can('evidence:export') ? (
          <div className="head-actions">
            <ExportDialog
              store={ctl.exporter}
              openLabel="Export evidence"
              title="Export evidence"
              what="A signed zip of this session: masters, working copies and redacted copies, the location track (GeoJSON, GPX, KML), seals, timeline, notes, an audit extract, a report and a manifest."
            />
          </div>
        ) : null}
      </div>

      <div className="session-main">
        <PlayerCard ctl={ctl} canRedact={can('evidence:redact')} openRedactor={redact} />
        <div className="session-side">
          <section className="card map-card" aria-labelledby="pb-map-title">
            <h2 id="pb-map-title" className="visually-hidden">
              Map at the playback moment
            </h2>
            <SyncedMap ctl={ctl} />
          </section>
          <SyncedNotes ctl={ctl} canAnnotate={can('evidence:annotate')} />
        </div>
      </div>

      <div className="session-lower">
        <SyncedTimeline ctl={ctl} />
        <div className="session-side">
          <EvidencePanel
            evidence={st.evidence}
            sessionOver
            onRetry={() => void ctl.loadEvidence()}
            onPlay={(item) => ctl.play(item)}
            playingId={playingId}
          />
          <RetentionPanel
            library={st.library}
            libraryStatus={st.libraryStatus}
            policies={policyList}
            store={ctl.retention}
            canManage={can('retention:manage')}
            now={now}
          />
        </div>
      </div>
    </main>
  );
}

// The parts that follow the player re-render on every time update; the page around them does not.

function SyncedMap({ ctl }: { ctl: EvidencePageController }) {
  const { config } = useApp();
  const cfg = useStore(config);
  const { track, evidence, detail } = useStore(ctl.state);
  const p = useStore(ctl.playback);
  const wall = playbackWallClock(p, evidence.recordings);
  return (
    <PlaybackMap
      config={cfg}
      track={track}
      fixIndex={wall === null ? -1 : fixIndexAt(track, wall)}
      unavailable={
        detail === 'forbidden'
          ? 'Location is not available to your role.'
          : detail === 'error'
            ? 'The location track could not be loaded.'
            : null
      }
    />
  );
}

function SyncedTimeline({ ctl }: { ctl: EvidencePageController }) {
  const st = useStore(ctl.state);
  const p = useStore(ctl.playback);
  const wall = playbackWallClock(p, st.evidence.recordings);
  return (
    <PlaybackTimeline
      events={st.timeline}
      current={wall === null ? -1 : currentEventIndex(st.timeline, wall)}
      playing={p.playing}
      recordings={st.evidence.recordings}
      items={st.evidence.items}
      onSeek={(at) => ctl.seekToMoment(at)}
      unavailable={
        st.detail === 'forbidden'
          ? 'The timeline and location are not available to your role.'
          : st.detail === 'error'
            ? 'The timeline could not be loaded. Reload the page to try again.'
            : null
      }
    />
  );
}

function SyncedNotes({ ctl, canAnnotate }: { ctl: EvidencePageController; canAnnotate: boolean }) {
  useStore(ctl.playback);
  return (
    <NotesPanel
      notes={ctl.notes}
      canAnnotate={canAnnotate}
      position={ctl.notePosition()}
      onAdd={() => void ctl.notes.add(ctl.notePosition())}
      onSeek={(n) => ctl.seekToNote(n)}
    />
  );
}
