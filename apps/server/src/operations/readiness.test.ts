import { describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/logger.js';
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

  it('probes the dependencies at most once a second however often it is asked, and logs the real cause', async () => {
    let t = 0;
    let probes = 0;
    const logged: unknown[] = [];
    const log = { ...silentLogger, warn: (o: object | string) => void logged.push(o) };
    const readiness = new Readiness(
      {
        database: async () => {
          probes++;
          throw new Error('connect ECONNREFUSED 10.0.0.7:5432');
        },
        evidence: ok,
        janus: ok,
      },
      50,
      log,
      1_000,
      () => t,
    );
    const answers = await Promise.all([readiness.check(), readiness.check()]);
    t = 999;
    await readiness.check();
    expect(probes).toBe(1);
    expect(answers[0]!.checks.database.error).toBe('unreachable');
    t = 1_000;
    await readiness.check();
    expect(probes).toBe(2);
    // The public answer says "unreachable"; the operator's log has the driver's words.
    expect(JSON.stringify(logged[0], (_k, v) => (v instanceof Error ? v.message : v))).toMatch(
      /ECONNREFUSED 10\.0\.0\.7/,
    );
  });
});
