import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { sql } from 'kysely';
import type { Db } from '../adapters/db/database.js';
import type { EvidenceStore } from '../adapters/storage/evidence-store.js';
import type { StorageHealth } from '../adapters/storage/storage-health.js';
import { SIEM_STREAM, type SiemCursors } from '../audit/siem/siem-streamer.js';
import type { Logger } from '../lib/logger.js';
import type { SerialQueue } from '../lib/serial-queue.js';
import type { MediaService } from '../media/media.service.js';
import type { MediaNodes } from '../media/nodes/media-nodes.js';
import type { WebhookRepository } from '../webhooks/webhook.repository.js';
import { Metrics } from './metrics.js';
import { NotReadyError, Readiness } from './readiness.js';

export interface OperationsDeps {
  db: Db;
  /** The store itself (not the monitored wrapper): an S3 store's probe lives here. */
  store: EvidenceStore;
  /** The evidence directory, when the store is local. */
  evidenceDir: string | null;
  storage: StorageHealth;
  nodes: MediaNodes;
  media: MediaService;
  evidenceQueue: SerialQueue;
  webhooks: WebhookRepository;
  log: Logger;
  /** The SIEM stream's cursor, when streaming is on. */
  siem?: SiemCursors | null;
}

/** The metrics and readiness checks of one server instance, reading the live objects they describe. */
export function buildOperations(d: OperationsDeps): { metrics: Metrics; readiness: Readiness } {
  const metrics = new Metrics({
    async liveSessions() {
      const row = await d.db
        .selectFrom('sessions')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('state', '=', 'live')
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    mediaNodes() {
      const load = d.media.load();
      return d.nodes.all().map((n) => ({
        id: n.id,
        up: n.healthy,
        rooms: load.get(n.id)?.rooms ?? 0,
        publishers: load.get(n.id)?.publishers ?? 0,
        viewers: load.get(n.id)?.viewers ?? 0,
        cpu: n.load.cpu,
      }));
    },
    ingestQueue: () => d.evidenceQueue.backlog(),
    async queuedJobs() {
      const rows = await d.db
        .selectFrom('jobs')
        .select((eb) => ['type', eb.fn.countAll().as('n'), eb.fn.min('created_at').as('oldest')])
        .where('state', '=', 'queued')
        .groupBy('type')
        .execute();
      const now = Date.now();
      return rows.map((r) => ({ type: r.type, count: Number(r.n), oldestMs: now - Number(r.oldest) }));
    },
    webhookBacklog: () => d.webhooks.backlog(),
    ...(d.siem ? { siemBacklog: () => d.siem!.backlog(SIEM_STREAM) } : {}),
  });
  const readiness = new Readiness(
    {
      async database() {
        await sql`select 1`.execute(d.db);
      },
      async evidence() {
        if (d.evidenceDir !== null) {
          await access(d.evidenceDir, constants.R_OK | constants.W_OK);
          if (!(await stat(d.evidenceDir)).isDirectory()) throw new NotReadyError('not a directory');
        } else {
          await d.store.probe?.();
        }
        // Reachable but refusing writes (full, read-only) is not ready either.
        const { state } = d.storage.status.evidence;
        if (state !== 'ok') throw new NotReadyError(`evidence store ${state}`);
      },
      async janus() {
        const nodes = d.nodes.all();
        const answers = await Promise.allSettled(
          nodes.filter((n) => n.healthy).map((n) => n.connection.ping()),
        );
        if (!answers.some((a) => a.status === 'fulfilled'))
          throw new NotReadyError(`no media node answers (0 of ${nodes.length})`);
      },
    },
    undefined,
    d.log,
  );
  return { metrics, readiness };
}
