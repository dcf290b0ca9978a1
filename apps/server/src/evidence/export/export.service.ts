import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ExportJob } from '@sightline/protocol';
import type { Clock } from '../../adapters/clock.js';
import type { Db } from '../../adapters/db/database.js';
import type { SigningKeys } from '../../adapters/keys/signer.js';
import type { Actor, AuditService } from '../../audit/audit.service.js';
import type { JobContext, JobRow, JobRunner } from '../../jobs/job-runner.js';
import { DomainError, notFound } from '../../lib/errors.js';
import type { SessionService } from '../../sessions/session.service.js';
import type { EvidenceLedger } from '../evidence-ledger.js';
import { type Dossier, loadDossier } from './dossier.js';
import { withoutInterpreterIdentities } from './interpreters.js';
import {
  type IncidentFacts,
  type ManifestBody,
  type ManifestFile,
  type PhoneInManifest,
  sessionFacts,
  signManifest,
} from './manifest.js';
import { PackageWriter } from './package-writer.js';
import { planSession } from './plan.js';
import { renderReport } from './report.js';
import { verifyText } from './verify-text.js';

type Officer = Actor & { type: 'officer' };
interface ExportParams {
  sessionIds: string[];
  reason: string;
  kind: 'full' | 'sar';
  officer: Officer;
  /** Asked for from an incident: its facts go into the manifest and the report. */
  incident?: IncidentFacts;
}

export type { IncidentFacts };

interface ExportResult {
  key: string;
  fileName: string;
  sha256: string;
  size: number;
}

/**
 * Signed export packages (one zip per request) built as background jobs: masters,
 * working copies, location in three formats, seals, events, an audit extract, a
 * readable report, a signed manifest and VERIFY.txt.
 */
export class ExportService {
  constructor(
    private readonly db: Db,
    private readonly ledger: EvidenceLedger,
    private readonly jobs: JobRunner,
    private readonly audit: AuditService,
    private readonly sessions: SessionService,
    private readonly signer: SigningKeys,
    private readonly clock: Clock,
    private readonly settings: { workDir: string; phone: PhoneInManifest },
  ) {
    jobs.register('export', (ctx) => this.run(ctx));
  }

  async request(officer: Officer, p: Omit<ExportParams, 'officer'>, ip: string | null): Promise<ExportJob> {
    for (const id of p.sessionIds) await this.sessions.get(id);
    const job = await this.jobs.enqueue('export', { ...p, officer } satisfies ExportParams, officer.id);
    for (const id of p.sessionIds) {
      await this.audit.record({
        actor: officer,
        action: 'export.request',
        subject: { type: 'session', id },
        detail: {
          jobId: job.id,
          kind: p.kind,
          reason: p.reason,
          ...(p.incident ? { incidentId: p.incident.id } : {}),
        },
        ip,
      });
    }
    return this.view(job);
  }

  async get(id: string): Promise<ExportJob> {
    const job = await this.jobs.get(id);
    if (job?.type !== 'export') throw notFound('export');
    return this.view(job);
  }

  async list(): Promise<ExportJob[]> {
    return Promise.all((await this.jobs.list('export')).map((j) => this.view(j)));
  }

  /** Streams a finished package, audited. */
  async download(
    id: string,
    officer: Officer,
    ip: string | null,
  ): Promise<{ stream: Readable; fileName: string; size: number; sha256: string }> {
    const job = await this.jobs.get(id);
    if (job?.type !== 'export') throw notFound('export');
    if (job.state !== 'done' || !job.result)
      throw new DomainError('conflict', 'this export is not ready yet');
    const r = JSON.parse(job.result) as ExportResult;
    const params = JSON.parse(job.params) as ExportParams;
    await this.audit.record({
      actor: officer,
      action: 'export.download',
      subject: { type: 'export', id },
      detail: { sessionIds: params.sessionIds, fileName: r.fileName, sha256: r.sha256 },
      ip,
    });
    return {
      stream: await this.ledger.store.read(r.key),
      fileName: r.fileName,
      size: r.size,
      sha256: r.sha256,
    };
  }

  view(job: JobRow): ExportJob {
    const p = JSON.parse(job.params) as ExportParams;
    const r = job.result ? (JSON.parse(job.result) as ExportResult) : null;
    return {
      id: job.id,
      kind: p.kind,
      sessionIds: p.sessionIds,
      incidentId: p.incident?.id ?? null,
      reason: p.reason,
      state: job.state as ExportJob['state'],
      progress: { done: Number(job.done), total: Number(job.total) },
      requestedBy: { id: p.officer.id, name: p.officer.name },
      createdAt: Number(job.created_at),
      finishedAt: job.finished_at === null ? null : Number(job.finished_at),
      fileName: r?.fileName ?? null,
      size: r?.size ?? null,
      sha256: r?.sha256 ?? null,
      error: job.error,
    };
  }

  /**
   * The sessions' audit entries (an incident share's appear under each of its sessions: once
   * here) and, for an incident's package, the incident's own history: created, sessions added,
   * moved and taken out (even those no longer in it), read, closed, exported.
   */
  private async auditExtract(dossiers: Dossier[], incidentId: string | null) {
    const incident = incidentId ? await this.audit.extractIncident(incidentId) : [];
    const bySeq = new Map([...dossiers.flatMap((d) => d.audit), ...incident].map((a) => [Number(a.seq), a]));
    return [...bySeq.values()].sort((a, b) => Number(a.seq) - Number(b.seq));
  }

  private async run(ctx: JobContext): Promise<ExportResult> {
    const p = ctx.params as ExportParams;
    const dossiers: Dossier[] = [];
    for (const id of p.sessionIds) {
      const d = await loadDossier(this.db, id);
      dossiers.push(p.kind === 'sar' ? withoutInterpreterIdentities(d) : d);
    }
    const date = new Date(this.clock.now()).toISOString().slice(0, 10).replace(/-/g, '');
    const label = p.kind === 'sar' ? 'SAR' : p.incident ? 'INCIDENT' : 'EXPORT';
    const name = `SIGHTLINE-${label}-${date}-${ctx.job.id.slice(0, 8)}`;
    const writer = new PackageWriter(this.ledger.store, join(this.settings.workDir, ctx.job.id, 'staging'));
    const plans = dossiers.map((d) => planSession(d, p.kind));
    const staged = await writer.stage(
      plans.flatMap((pl) => pl.entries),
      (done, total) => ctx.progress(done, total + 1),
    );
    const meta = new Map(plans.flatMap((pl) => pl.meta).map((m) => [m.path, m]));
    const files: ManifestFile[] = staged.map((s) => {
      const m = meta.get(s.path)!;
      return {
        ...s,
        kind: m.kind,
        label: m.label,
        sessionId: m.sessionId,
        recordingId: m.recordingId,
        evidenceId: m.evidenceId,
        createdAt: m.createdAt,
        derivedFrom: m.derivedFrom,
        ...(m.source ? { source: m.source } : {}),
      };
    });
    const top = async (path: string, bytes: string | Buffer, kind: string, label: string) => {
      await writer.writeStaged(path, bytes);
      const buf = Buffer.from(bytes);
      files.push({
        path,
        sha256: createHash('sha256').update(buf).digest('hex'),
        size: buf.length,
        kind,
        label,
        sessionId: null,
        recordingId: null,
        evidenceId: null,
        createdAt: null,
        derivedFrom: [],
      });
    };
    // One key for the whole package, even if the key is rotated while it is built.
    const signingKey = this.signer.current();
    const body: ManifestBody = {
      format: 'sightline-evidence-manifest/1',
      package: name,
      kind: p.kind,
      generatedAt: new Date(this.clock.now()).toISOString(),
      exportedBy: { id: p.officer.id, name: p.officer.name },
      reason: p.reason,
      signingKey: { algorithm: 'Ed25519', fingerprint: signingKey.fingerprint, file: 'signing-key.pub.pem' },
      ...(p.incident ? { incident: p.incident } : {}),
      sessions: dossiers.map((d) => sessionFacts(d, this.settings.phone)),
      files,
    };
    if (p.kind === 'full') {
      const extract = await this.auditExtract(dossiers, p.incident?.id ?? null);
      await top(
        'audit-extract.json',
        `${JSON.stringify({ note: 'Entries of the hash-chained audit trail about this evidence; each hash can be recomputed (sightline-audit/1).', entries: extract }, null, 1)}\n`,
        'audit-extract',
        'Audit-trail entries about this evidence, with chain hashes',
      );
    }
    await top(
      'report.html',
      renderReport(body, dossiers),
      'report',
      'Readable report: facts, map, timeline, file hashes',
    );
    await top(
      'VERIFY.txt',
      verifyText(name, signingKey.fingerprint),
      'instructions',
      'How to verify this package',
    );
    await top(
      'signing-key.pub.pem',
      signingKey.publicKeyPem,
      'public-key',
      'Public key the manifest is signed with (compare its fingerprint)',
    );
    await top(
      'SHA256SUMS',
      files
        .map((f) => `${f.sha256}  ${f.path}`)
        .join('\n')
        .concat('\n'),
      'checksums',
      'sha256sum -c list of every other file',
    );
    const { json, signature } = signManifest(body, signingKey);
    await writer.writeStaged('manifest.json', json);
    await writer.writeStaged('manifest.sig', `${signature}\n`);
    const zipPath = join(this.settings.workDir, ctx.job.id, `${name}.zip`);
    await writer.zip(name, [...files.map((f) => f.path), 'manifest.json', 'manifest.sig'], zipPath);
    const key = `exports/${ctx.job.id}/${name}.zip`;
    const stored = (await this.ledger.store.exists(key))
      ? { key, sha256: await this.ledger.store.hash(key), size: await this.ledger.store.size(key) }
      : await this.ledger.storeVerified(key, () => this.ledger.store.putFile(key, zipPath));
    await rm(join(this.settings.workDir, ctx.job.id), { recursive: true, force: true });
    const result: ExportResult = { key, fileName: `${name}.zip`, sha256: stored.sha256, size: stored.size };
    await this.audit.record({
      actor: p.officer,
      action: 'export.complete',
      subject: { type: 'export', id: ctx.job.id },
      detail: {
        sessionIds: p.sessionIds,
        ...(p.incident ? { incidentId: p.incident.id } : {}),
        kind: p.kind,
        reason: p.reason,
        fileName: result.fileName,
        sha256: result.sha256,
        size: result.size,
        files: files.length,
      },
    });
    for (const d of dossiers)
      await this.sessions.addEvent(
        d.session.id,
        'evidence.exported',
        p.officer.name,
        `${result.fileName} (${p.kind})`,
      );
    ctx.progress(ctx.job.total || 1, ctx.job.total || 1);
    return result;
  }
}
