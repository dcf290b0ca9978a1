import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../adapters/db/database.js';
import { loadOrCreateSecretBox } from '../adapters/keys/secret-box.js';
import { cryptoRandom } from '../adapters/random.js';
import { ApprovalRepository } from '../approvals/approval.repository.js';
import { ApprovalService } from '../approvals/approval.service.js';
import { AuditService } from '../audit/audit.service.js';
import { WebhookRepository } from './webhook.repository.js';
import { WebhookService } from './webhook.service.js';

describe('WebhookService', () => {
  let dir: string;
  let db: Db;
  const clock = { t: 1_800_000_000_000, now: () => clock.t };
  const admin = { type: 'officer' as const, id: 'a1', name: 'Admin' };
  const second = { type: 'officer' as const, id: 'a2', name: 'Second admin' };
  let approvals: ApprovalService;
  const service = (allowPrivate = false, graceMs = 3_600_000) => {
    const audit = new AuditService(db, clock, cryptoRandom, null);
    approvals = new ApprovalService(new ApprovalRepository(db), clock, cryptoRandom, audit);
    return new WebhookService(
      new WebhookRepository(db),
      loadOrCreateSecretBox(join(dir, 'keys'), 'webhook-secrets'),
      audit,
      clock,
      cryptoRandom,
      { urls: { allowHttp: false, allowPrivate }, secretGraceMs: graceMs, approvals },
    );
  };
  const pending = async () => (await approvals.list()).filter((a) => a.state === 'pending');

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

  it('keeps a new endpoint disabled until a second admin approves it, and not by its creator', async () => {
    const svc = service();
    const { endpoint } = await svc.create(
      { url: 'https://cad.example/hook?token=x', events: ['session.location'] },
      admin,
      null,
    );
    expect(endpoint).toMatchObject({
      enabled: false,
      disabledReason: "waiting for a second admin's approval",
    });
    const [req] = await pending();
    expect(req).toMatchObject({
      kind: 'webhook',
      change: 'create',
      urlHost: 'cad.example',
      events: ['session.location'],
    });
    await expect(approvals.approve(req!.id, 'looks right', admin, null)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await approvals.approve(req!.id, 'checked with the CAD team', second, null);
    expect((await svc.list())[0]).toMatchObject({ enabled: true, disabledReason: null });
  });

  it('applies narrowing at once but keeps the old URL and events until a new URL is approved', async () => {
    const svc = service();
    const { endpoint } = await svc.create(
      { url: 'https://cad.example/hook', events: ['session.opened', 'session.ended'] },
      admin,
      null,
    );
    await approvals.approve((await pending())[0]!.id, 'ok', second, null);
    const narrowed = await svc.update(
      endpoint.id,
      { url: 'https://cad.example/hook', events: ['session.ended'] },
      admin,
      null,
    );
    expect(narrowed).toMatchObject({ events: ['session.ended'], enabled: true });
    expect(await pending()).toEqual([]);
    const moved = await svc.update(
      endpoint.id,
      { url: 'https://attacker.example/x', events: ['session.ended', 'session.location'] },
      admin,
      null,
    );
    expect(moved).toMatchObject({
      url: 'https://cad.example/hook',
      events: ['session.ended'],
      enabled: true,
    });
    const [req] = await pending();
    expect(req).toMatchObject({ change: 'change', urlHost: 'attacker.example' });
    await approvals.refuse(req!.id, 'not our CAD', second, null);
    expect((await svc.list())[0]).toMatchObject({
      url: 'https://cad.example/hook',
      events: ['session.ended'],
    });
  });

  it('holds re-enabling a disabled endpoint for a second admin', async () => {
    const svc = service();
    const { endpoint } = await svc.create(
      { url: 'https://cad.example/hook', events: ['session.opened'], enabled: false },
      admin,
      null,
    );
    expect(await pending()).toEqual([]);
    const input = { url: 'https://cad.example/hook', events: ['session.opened' as const] };
    expect(await svc.update(endpoint.id, input, admin, null)).toMatchObject({ enabled: false });
    await approvals.approve((await pending())[0]!.id, 'ok', second, null);
    expect((await svc.list())[0]).toMatchObject({ enabled: true });
  });
});
