import { describe, expect, it } from 'vitest';
import type { Db } from '../../adapters/db/database.js';
import { loadConfig } from '../../config/config.js';
import type { LeaseRepository } from '../../jobs/lease.repository.js';
import { type Logger, silentLogger } from '../../lib/logger.js';
import { buildSiemStreamer } from './siem.js';

/** The warnings logged while the streamer for `target` is built (nothing is sent). */
function warningsFor(target: string): string[] {
  const warnings: string[] = [];
  const log: Logger = { ...silentLogger, warn: (_o, msg) => warnings.push(String(msg)) };
  buildSiemStreamer({
    config: loadConfig({ SIGHTLINE_SIEM_TARGET: target }).siem!,
    db: {} as Db,
    clock: { now: () => 0 },
    leases: {} as LeaseRepository,
    instanceId: 'a',
    log,
  });
  return warnings;
}

describe('SIEM stream set-up', () => {
  it('warns at start when the audit trail would cross the network unencrypted, and only then', () => {
    for (const target of ['tcp://siem:5170', 'syslog+tcp://siem:514', 'syslog+udp://siem:514'])
      expect(warningsFor(target), target).toEqual([expect.stringMatching(/sent unencrypted/)]);
    for (const target of ['syslog+tls://siem:6514', 'file:/var/log/sightline/audit.jsonl'])
      expect(warningsFor(target), target).toEqual([]);
  });
});
