import { describe, expect, it } from 'vitest';
import { NotReadyError, Readiness } from './readiness.js';

const ok = async () => {};

describe('Readiness', () => {
  it('is ready when every check answers, reporting each one', async () => {
    const report = await new Readiness({ database: ok, evidence: ok, janus: ok }).check();
    expect(report.ok).toBe(true);
    expect(Object.keys(report.checks).sort()).toEqual(['database', 'evidence', 'janus']);
    for (const c of Object.values(report.checks)) expect(c).toMatchObject({ ok: true });
  });

  it('names the failing check, and passes on only the words a probe chose for the public', async () => {
    const report = await new Readiness({
      database: async () => {
        throw new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2');
      },
      evidence: ok,
      janus: async () => {
        throw new NotReadyError('no media node answers (0 of 1)');
      },
    }).check();
    expect(report.ok).toBe(false);
    expect(report.checks.evidence.ok).toBe(true);
    expect(report.checks.database).toMatchObject({ ok: false, error: 'unreachable' });
    expect(JSON.stringify(report)).not.toMatch(/10\.0\.0\.7|hunter2/);
    expect(report.checks.janus).toMatchObject({ ok: false, error: 'no media node answers (0 of 1)' });
  });

  it('answers not ready when a dependency hangs, instead of hanging with it', async () => {
    const hung = () => new Promise<void>(() => {});
    const report = await new Readiness({ database: ok, evidence: hung, janus: ok }, 50).check();
    expect(report.ok).toBe(false);
    expect(report.checks.evidence).toMatchObject({ ok: false, error: 'no answer within 50 ms' });
  });
});
