import { describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/errors.js';
import { EvidenceStoreGoneError } from './evidence-store.js';
import { StorageHealth } from './storage-health.js';

const errno = (code: string) => Object.assign(new Error(code), { code });
const silent = { error() {}, info() {}, warn() {}, debug() {}, child: () => silent } as never;

function health() {
  const published: string[] = [];
  const h = new StorageHealth(
    { evidence: '/nonexistent/evidence', spool: '/nonexistent/spool' },
    { now: () => 1 },
    silent,
    { publish: (name: string) => published.push(name) } as never,
  );
  return { h, published };
}

describe('StorageHealth', () => {
  it('takes a bucket that cannot be reached (network errors, S3 5xx), or a local store whose directory is gone, as the evidence store being down', () => {
    for (const err of [
      new EvidenceStoreGoneError(),
      errno('ECONNREFUSED'),
      errno('ETIMEDOUT'),
      Object.assign(new Error('ServiceUnavailable'), { $metadata: { httpStatusCode: 503 } }),
    ]) {
      const { h, published } = health();
      const out = h.fail('evidence', err);
      h.stop();
      expect(out).toBeInstanceOf(DomainError);
      expect((out as DomainError).code).toBe('storage_unavailable');
      expect(h.status.evidence.state).toBe('unreachable');
      expect(published).toEqual(['storage.changed']);
    }
  });

  it('does not take a phone hanging up on the spool side, or a 4xx from the bucket, as storage being down', () => {
    const { h } = health();
    const reset = errno('ECONNRESET');
    expect(h.fail('spool', reset)).toBe(reset);
    const denied = Object.assign(new Error('AccessDenied'), { $metadata: { httpStatusCode: 403 } });
    expect(h.fail('evidence', denied)).toBe(denied);
    expect(h.status.spool.state).toBe('ok');
    expect(h.status.evidence.state).toBe('ok');
    h.stop();
  });
});
