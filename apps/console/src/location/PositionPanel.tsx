import type { ReceivedFix } from '@sightline/protocol';
import { useApp } from '../app/context.js';
import { CopyButton } from '../lib/CopyButton.js';
import { useStore } from '../lib/use-store.js';
import { describeFix, fixAgeLevel, fixAgeText } from './position.js';

const OFF_GRID = 'outside GB grid';

/** The caller's latest position in the forms a control room relays: lat/lon, BNG, grid reference. */
export function PositionPanel({ fix, over }: { fix: ReceivedFix | null; over: boolean }) {
  return (
    <section className="card position" aria-labelledby="position-title">
      <div className="card-head">
        <h2 id="position-title">Position</h2>
        <FixAge fix={fix} over={over} />
      </div>
      {fix ? <FixDetails fix={fix} /> : <p className="muted">No position received yet.</p>}
    </section>
  );
}

function FixDetails({ fix }: { fix: ReceivedFix }) {
  const p = describeFix(fix);
  return (
    <dl className="pos-grid">
      <Item label="Grid reference" testId="pos-gridref" value={p.gridRef ?? OFF_GRID} wide>
        {p.gridRef ? <CopyButton text={p.gridRef} label="Copy" /> : null}
      </Item>
      <Item label="Easting (m)" testId="pos-easting" value={p.easting ?? OFF_GRID} />
      <Item label="Northing (m)" testId="pos-northing" value={p.northing ?? OFF_GRID} />
      <Item label="Latitude" testId="pos-lat" value={p.lat} />
      <Item label="Longitude" testId="pos-lon" value={p.lon} />
      <Item label="Accuracy" testId="pos-accuracy" value={p.accuracy} />
      {p.altitude ? <Item label="Altitude" testId="pos-altitude" value={p.altitude} /> : null}
      {p.speed ? <Item label="Speed" testId="pos-speed" value={p.speed} /> : null}
      {p.heading ? <Item label="Heading" testId="pos-heading" value={p.heading} /> : null}
    </dl>
  );
}

function Item(props: {
  label: string;
  testId: string;
  value: string;
  wide?: boolean;
  children?: React.ReactNode;
}) {
  return (
    <div className={`pos-item${props.wide ? ' pos-item-wide' : ''}`}>
      <dt>{props.label}</dt>
      <dd>
        <span className="mono pos-value" data-testid={props.testId}>
          {props.value}
        </span>
        {props.children}
      </dd>
    </div>
  );
}

const LEVEL_WORD = { fresh: 'Current', stale: 'Ageing', old: 'Out of date', ended: 'Final' } as const;

/**
 * "last fix N s ago", ticking each second; amber after 10 s, red after 30 s,
 * and says so in words. Once the session is over, age is no longer a warning.
 */
function FixAge({ fix, over }: { fix: ReceivedFix | null; over: boolean }) {
  const { ticker } = useApp();
  const now = useStore(ticker);
  if (!fix) {
    return (
      <p className="fix-age" data-testid="fix-age" data-level="none">
        no fix yet
      </p>
    );
  }
  const age = now - fix.receivedAt;
  const level = over ? 'ended' : fixAgeLevel(age);
  return (
    <p className={`fix-age fix-age-${level}`}>
      <span className="fix-age-word">{LEVEL_WORD[level]}</span>
      <span aria-hidden="true"> · </span>
      <span data-testid="fix-age" data-level={level}>
        {fixAgeText(age)}
      </span>
    </p>
  );
}
