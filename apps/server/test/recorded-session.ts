import { syntheticCall } from '@sightline/testkit/caller';
import type { RtpSource } from '@sightline/testkit/synthetic';
import { eventually, jsonApi, type OfficerClient, type TestServer } from './harness.js';

/**
 * A real recorded session for evidence tests: a synthetic caller streams the
 * looped clip for `seconds` with a few location fixes, then the session ends and
 * the recording is ingested (masters, working copy, location track).
 */
export async function recordedSession(
  s: TestServer,
  officer: OfficerClient,
  source: RtpSource,
  seconds = 4,
): Promise<string> {
  const call = await syntheticCall(s.url, jsonApi(officer), source);
  // Media must reach Janus before the session ends, or the recording is rightly 'empty'.
  await eventually(async () => (await s.c.sessions.get(call.sessionId)).state === 'live', 60_000);
  for (let i = 0; i < seconds; i++) {
    await s.c.location.add(call.sessionId, {
      lat: 51.5 + i * 1e-4,
      lon: -0.12,
      accuracy: 6,
      altitude: null,
      altitudeAccuracy: null,
      heading: null,
      speed: null,
      fixTime: Date.now(),
    });
    await new Promise((r) => setTimeout(r, 1_000));
  }
  await s.c.sessions.end(call.sessionId, 'test over', { type: 'system' });
  call.hangUp();
  // Ingest waits for Janus to close the file and then remuxes it; on a loaded 2-core machine
  // (two integration passes side by side) that has taken longer than 30 s. A recording that
  // ends in any other state fails at once, naming it.
  let last: unknown = null;
  await eventually(async () => {
    const [rec] = await s.c.evidence.recordings(call.sessionId);
    last = rec;
    if (rec && rec.state !== 'stored' && rec.state !== 'recording' && rec.state !== 'ingesting')
      throw new Error(`the recording ended ${rec.state}, not stored (${JSON.stringify(rec)})`);
    return rec?.state === 'stored';
  }, 90_000).catch((err: Error) => {
    throw new Error(`${err.message}: the recording is still ${JSON.stringify(last)}`);
  });
  await eventually(async () =>
    (await s.c.evidence.list(call.sessionId)).some((i) => i.kind === 'location-track'),
  );
  return call.sessionId;
}
