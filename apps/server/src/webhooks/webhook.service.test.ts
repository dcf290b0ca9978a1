import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../adapters/db/database.js';
import { loadOrCreateSecretBox } from '../adapters/keys/secret-box.js';
import { cryptoRandom } from '../adapters/random.js';
import { AuditService } from '../audit/audit.service.js';
import { WebhookRepository } from './webhook.repository.js';
import { WebhookService } from './webhook.service.js';

describe('WebhookService', () => {
  let dir: string;
  let db: Db;
  const clock = { t: 1_800_000_000_000, now: () => clock.t };
  const admin = { type: 'officer' as const, id: 'a1', name: 'Admin' };
  const service = (allowPrivate = false, graceMs = 3_600_000) =>
    new WebhookService(
      new WebhookRepository(db),
      loadOrCreateSecretBox(join(dir, 'keys'), 'webhook-secrets'),
      new AuditService(db, clock, cryptoRandom, null),
      clock,
      cryptoRandom,
      { urls: { allowHttp: false, allowPrivate }, secretGraceMs: graceMs },
    );

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'webhooks-'));
    db = openDatabase(`sqlite:${join(dir, 'db.sqlite')}`);
    await migrateToLatest(db);
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses private, loopback and metadata addresses and plain http by default', async () => {
    const svc = service();
    for (const url of [
      'https://10.0.0.8/hook',
      'https://169.254.169.254/latest',
      'https://localhost/x',
      'http://cad.example/',
    ])
      await expect(svc.create({ url, events: ['session.opened'] }, admin, null), url).rejects.toMatchObject({
        code: 'webhook_url_refused',
      });
    expect(await svc.list()).toEqual([]);
  });

  it('keeps the secret sealed at rest and signs with both secrets during a rotation’s grace only', async () => {
    const svc = service();
    const { endpoint, secret } = await svc.create(
      { url: 'https://cad.example/hook', events: ['session.opened'] },
      admin,
      null,
    );
    const row = await new WebhookRepository(db).endpoint(endpoint.id);
    expect(row!.secret_sealed).not.toContain(secret.slice(6));
    const rotated = await svc.rotate(endpoint.id, admin, null);
    const after = await new WebhookRepository(db).endpoint(endpoint.id);
    expect(svc.secrets(after!)).toEqual([rotated.secret, secret]);
    clock.t += 3_600_001;
    expect(svc.secrets(after!)).toEqual([rotated.secret]);
  });
});
