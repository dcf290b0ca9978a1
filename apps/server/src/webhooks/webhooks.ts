import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import { withTransaction } from '../adapters/db/transaction.js';
import type { SecretBox } from '../adapters/keys/secret-box.js';
import type { Random } from '../adapters/random.js';
import type { ApprovalService } from '../approvals/approval.service.js';
import { type AuditService, SYSTEM } from '../audit/audit.service.js';
import type { Config } from '../config/config.js';
import type { JobRow } from '../jobs/job-runner.js';
import type { Logger } from '../lib/logger.js';
import { WebhookRepository } from './webhook.repository.js';
import { WebhookService } from './webhook.service.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { stableEventId, WebhookOutboxWriter } from './webhook-outbox.js';
import { sendWebhook } from './webhook-sender.js';

/** The webhook parts as container.ts wires them: the outbox port services write to, the admin service, the sender. */
export function buildWebhooks(d: {
  db: Db;
  config: Config;
  clock: Clock;
  random: Random;
  audit: AuditService;
  box: SecretBox;
  log: Logger;
  approvals: ApprovalService;
}) {
  const o = d.config.webhooks;
  const repo = new WebhookRepository(d.db);
  const nudge = () => dispatcher.nudge();
  const outbox = new WebhookOutboxWriter(d.clock, d.random, o.locationIntervalMs, nudge);
  const service = new WebhookService(
    repo,
    d.box,
    d.audit,
    d.clock,
    d.random,
    { urls: o.urls, secretGraceMs: o.secretGraceMs, approvals: d.approvals },
    nudge,
  );
  const dispatcher: WebhookDispatcher = new WebhookDispatcher(
    {
      repo,
      clock: d.clock,
      log: d.log,
      secrets: (endpoint) => service.secrets(endpoint),
      send: sendWebhook,
      gone: (endpoint) => service.gone(endpoint),
    },
    {
      owner: d.config.instanceId,
      pollMs: o.pollMs,
      timeoutMs: o.timeoutMs,
      maxAttempts: o.maxAttempts,
      backoff: o.backoff,
      urls: o.urls,
    },
  );
  /** `export.ready`, once per session in the export, written with the job's `done`. */
  const exportDone = async (trx: Db, job: JobRow) => {
    if (job.type !== 'export') return;
    const { sessionIds } = JSON.parse(job.params) as { sessionIds: string[] };
    for (const sessionId of sessionIds)
      await outbox.record(trx, {
        type: 'export.ready',
        sessionId,
        occurredAt: Number(job.finished_at ?? d.clock.now()),
        data: { exportId: job.id, sessionIds },
        eventId: stableEventId(`export.ready:${job.id}:${sessionId}`),
      });
  };
  /**
   * Deletes deliveries no longer needed: delivered ones after keepDeliveredMs, dead letters after
   * keepDeadMs (an admin has had that long to retry them). Run from a leased sweep; audited.
   */
  const purge = async () => {
    const now = d.clock.now();
    // The deletion and its audit entry commit together: a crash between them cannot leave
    // deliveries gone with no record of it.
    return withTransaction(d.db, async (trx) => {
      const gone = await repo.purge(now - o.keepDeliveredMs, now - o.keepDeadMs, trx);
      if (gone.delivered + gone.dead > 0)
        await d.audit.recordIn(trx, {
          actor: SYSTEM,
          action: 'webhook.purge',
          detail: {
            ...gone,
            keepDeliveredDays: o.keepDeliveredMs / 86_400_000,
            keepDeadDays: o.keepDeadMs / 86_400_000,
          },
        });
      return gone;
    });
  };
  return { repo, outbox, service, dispatcher, exportDone, purge };
}
