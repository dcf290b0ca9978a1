import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import type { CreateRedactionRequest, RedactionJob } from '@sightline/protocol';
import type { Db } from '../../adapters/db/database.js';
import type { MediaTools } from '../../adapters/media-tools/media-tools.js';
import type { Actor, AuditService } from '../../audit/audit.service.js';
import type { JobContext, JobRow, JobRunner } from '../../jobs/job-runner.js';
import { DomainError, notFound } from '../../lib/errors.js';
import type { SessionService } from '../../sessions/session.service.js';
import type { EvidenceLedger } from '../evidence-ledger.js';
import { redactionFilter } from './redaction-filter.js';

const run = promisify(execFile);
type Officer = Actor & { type: 'officer' };
interface Params extends CreateRedactionRequest {
  sourceId: string;
  officer: Officer;
}

/**
 * Redacted derivatives for disclosure and subject access: blur rectangles over
 * time ranges and mute audio ranges, rendered by ffmpeg from the working copy into
 * a new, clearly labelled file that records the hashes it came from. The master
 * and the working copy are only ever read.
 */
export class RedactionService {
  constructor(
    private readonly db: Db,
    private readonly ledger: EvidenceLedger,
    private readonly tools: MediaTools,
    private readonly jobs: JobRunner,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly settings: { workDir: string; ffmpeg: string },
    private readonly onChange: (sessionId: string) => void,
  ) {
    jobs.register('redaction', (ctx) => this.render(ctx));
  }

  async request(
    sourceId: string,
    officer: Officer,
    spec: CreateRedactionRequest,
    ip: string | null,
  ): Promise<RedactionJob> {
    const source = await this.db
      .selectFrom('evidence_items')
      .selectAll()
      .where('id', '=', sourceId)
      .executeTakeFirst();
    if (!source) throw notFound('evidence item');
    if (source.kind !== 'working-copy')
      throw new DomainError('bad_request', 'redact a working copy (masters are never re-encoded)');
    if (source.disposed_at !== null) throw new DomainError('conflict', 'this item has been disposed of');
    if (spec.regions.length === 0 && spec.mute.length === 0)
      throw new DomainError('bad_request', 'draw at least one area to blur or a range to mute');
    const job = await this.jobs.enqueue(
      'redaction',
      { ...spec, sourceId, officer } satisfies Params,
      officer.id,
    );
    await this.audit.record({
      actor: officer,
      action: 'evidence.redaction_request',
      subject: { type: 'evidence', id: sourceId },
      detail: { jobId: job.id, reason: spec.reason, regions: spec.regions.length, mute: spec.mute.length },
      ip,
    });
    return this.view(job);
  }

  async get(id: string): Promise<RedactionJob> {
    const job = await this.jobs.get(id);
    if (job?.type !== 'redaction') throw notFound('redaction');
    return this.view(job);
  }

  view(job: JobRow): RedactionJob {
    const p = JSON.parse(job.params) as Params;
    return {
      id: job.id,
      sourceId: p.sourceId,
      state: job.state as RedactionJob['state'],
      resultId: job.result ? (JSON.parse(job.result) as { evidenceId: string }).evidenceId : null,
      error: job.error,
      createdAt: Number(job.created_at),
    };
  }

  private async render(ctx: JobContext): Promise<{ evidenceId: string }> {
    const p = ctx.params as Params;
    const source = await this.db
      .selectFrom('evidence_items')
      .selectAll()
      .where('id', '=', p.sourceId)
      .executeTakeFirstOrThrow();
    const session = await this.sessions.get(source.session_id);
    const masters = await this.db
      .selectFrom('evidence_items')
      .select('sha256')
      .where('recording_id', '=', source.recording_id)
      .where('kind', '=', 'master')
      .execute();
    const work = join(this.settings.workDir, ctx.job.id);
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true });
    try {
      const input = join(work, source.file_name);
      await pipeline(await this.ledger.store.read(source.storage_key), createWriteStream(input));
      const probe = await this.tools.probe(input);
      const video = probe.streams.find((s) => s.type === 'video');
      if (!video?.width || !video.height) throw new Error('the working copy has no video to redact');
      const hasAudio = probe.streams.some((s) => s.type === 'audio');
      const f = redactionFilter(p, { width: video.width, height: video.height }, hasAudio);
      ctx.progress(1, 3);
      const ref = (session.reference ?? 'no-ref').replace(/[^A-Za-z0-9-]+/g, '_').slice(0, 30);
      const name = `REDACTED_${ref}_${ctx.job.id.slice(0, 8)}.mp4`;
      const out = join(work, name);
      const args = ['-hide_banner', '-loglevel', 'error', '-y', '-i', input];
      if (f.graph) args.push('-filter_complex', f.graph);
      args.push('-map', f.videoOut, ...(f.audioOut ? ['-map', f.audioOut] : []));
      // A redaction must re-encode (the pixels change); H.264 + AAC in MP4 plays everywhere.
      args.push('-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p');
      if (f.audioOut) args.push('-c:a', 'aac', '-b:a', '96k');
      args.push(
        '-movflags',
        '+faststart',
        '-metadata',
        `comment=REDACTED DERIVATIVE of ${source.sha256}`,
        out,
      );
      await run(this.settings.ffmpeg, args, { timeout: 30 * 60_000, maxBuffer: 16 * 1024 * 1024 });
      ctx.progress(2, 3);
      const outProbe = await this.tools.probe(out);
      const key = `sessions/${source.session_id}/redactions/${name}`;
      const stored = await this.ledger.storeVerified(key, () => this.ledger.store.putFile(key, out));
      const evidenceId = await this.ledger.record(
        {
          sessionId: source.session_id,
          recordingId: source.recording_id,
          kind: 'redacted-copy',
          fileName: name,
          mediaType: 'video/mp4',
          derivedFrom: [source.sha256, ...masters.map((m) => m.sha256)],
          durationMs: outProbe.durationMs,
          metadata: {
            sourceEvidenceId: source.id,
            sourceSha256: source.sha256,
            regions: p.regions,
            mute: p.mute,
            reason: p.reason,
            by: p.officer,
          },
          auditDetail: { redactionOf: source.sha256, reason: p.reason, by: p.officer.name },
        },
        stored,
      );
      await this.sessions.addEvent(
        source.session_id,
        'evidence.redacted',
        p.officer.name,
        `${name}: ${p.reason}`,
      );
      this.onChange(source.session_id);
      ctx.progress(3, 3);
      return { evidenceId };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
}
