import type { OfficerRequestAction, SessionSummary } from '@sightline/protocol';
import { useStore } from '../lib/use-store.js';
import {
  answerText,
  askText,
  type CallerControls,
  describeMedia,
  describeQuality,
  pendingText,
} from './caller-controls.js';

/**
 * Under the caller's video: what their phone is doing (camera, microphone,
 * torch, connection) and the questions an officer can put to it.
 */
export function CallerPanel({
  controls,
  session,
  canAsk,
}: {
  controls: CallerControls;
  session: SessionSummary | null;
  canAsk: boolean;
}) {
  const st = useStore(controls);
  const live = session?.state === 'live' && session.mode !== 'location';
  return (
    <section className="caller-panel" aria-labelledby="caller-panel-title">
      <h2 id="caller-panel-title" className="visually-hidden">
        Caller's phone
      </h2>
      <div className="caller-state">
        <p
          className="caller-media"
          data-testid="caller-media"
          data-video={st.media?.video ?? 'unknown'}
          data-camera={st.media?.camera ?? 'unknown'}
          data-audio={st.media?.audio ?? 'unknown'}
          data-torch={st.media ? String(st.media.torch) : 'unknown'}
        >
          {st.media ? (
            describeMedia(st.media).map((t) => (
              <span key={t} className="chip">
                {t}
              </span>
            ))
          ) : (
            <span className="muted">The phone has not reported its camera yet.</span>
          )}
        </p>
        <p
          className={`caller-quality quality-${st.quality?.level ?? 'unknown'}`}
          data-testid="caller-quality"
          data-level={st.quality?.level ?? 'unknown'}
          data-kbps={st.quality ? Math.round(st.quality.kbps) : undefined}
        >
          <QualityBars level={st.quality?.level ?? null} />
          {st.quality ? describeQuality(st.quality) : 'Connection: not reported yet'}
        </p>
      </div>
      {live && canAsk ? <Requests controls={controls} torch={st.media?.torch ?? false} /> : null}
    </section>
  );
}

function Requests({ controls, torch }: { controls: CallerControls; torch: boolean }) {
  const { pending, answer, error } = useStore(controls);
  const latest = pending[pending.length - 1] ?? null;
  const button = (action: OfficerRequestAction) => (
    <button
      type="button"
      className="btn btn-secondary btn-small"
      data-testid={`request-${action}`}
      aria-describedby="requests-hint"
      onClick={() => controls.ask(action)}
    >
      {askText(action)}
    </button>
  );
  return (
    <div className="requests">
      <div className="requests-buttons">
        {button('switch-camera')}
        {/* One torch button, for the change that makes sense now. */}
        {torch ? button('torch-off') : button('torch-on')}
      </div>
      <p id="requests-hint" className="small muted">
        The caller sees each request on their phone and decides. Nothing changes without them.
      </p>
      <div className="request-state" role="status">
        {error ? <p className="form-error small">{error}</p> : null}
        {latest ? <p className="small request-pending">{pendingText(latest.action)}</p> : null}
        {answer ? (
          <p
            className={`small request-answer ${answer.accepted ? 'answer-yes' : 'answer-no'}`}
            data-testid="request-answer"
            data-accepted={String(answer.accepted)}
          >
            {answerText(answer.action, answer.accepted)}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** Signal bars: a shape to scan, beside the word that carries the meaning. */
function QualityBars({ level }: { level: string | null }) {
  const on = level === 'good' ? 4 : level === 'fair' ? 3 : level === 'poor' ? 2 : level === 'stills' ? 1 : 0;
  return (
    <span className="bars" aria-hidden="true">
      {[1, 2, 3, 4].map((i) => (
        <span key={i} className={`bar bar-${i}${i <= on ? ' bar-on' : ''}`} />
      ))}
    </span>
  );
}
