import { startCluster } from '@sightline/testkit/cluster';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { locationAcrossInstances } from './cluster-location.js';
import { mediaAcrossNodes } from './cluster-media.js';
import { locationRows, mediaRows } from './cluster-report.js';
import type { BenchResult } from './lib/results.js';

/** Which parts run (both by default): BENCH_CLUSTER_PARTS=media,location. */
const PARTS = new Set((process.env.BENCH_CLUSTER_PARTS ?? 'media,location').split(','));

/**
 * Scale-out (issue 9), on the cluster topology (HAProxy, two server instances, two media nodes,
 * PostgreSQL, Redis, S3): calls spread over two media nodes against the same calls on one, then
 * location fan-out across instances against the same instance. Media first: when 1,000 phones
 * are more than instance A can take on this machine, it is still working through their backlog
 * long after they stop, and calls placed through it then would measure that.
 */
export async function cluster(): Promise<BenchResult> {
  process.stdout.write(
    '  starting the cluster (PostgreSQL, Redis, S3, HAProxy, 2 instances, 2 media nodes)\n',
  );
  const c = await startCluster({
    instances: 2,
    mediaNodes: 2,
    env: { SIGHTLINE_LOG_LEVEL: process.env.BENCH_CLUSTER_LOG_LEVEL ?? 'warn' },
  });
  let media: ReturnType<typeof mediaRows> | null = null;
  let location: ReturnType<typeof locationRows> | null = null;
  try {
    if (process.env.SIGHTLINE_KEEP_E2E_DATA) process.stdout.write(`  cluster data and logs: ${c.dir}\n`);
    if (PARTS.has('media')) {
      const source = new RtpSource();
      await source.start(ensureClip());
      try {
        media = mediaRows(await mediaAcrossNodes(c, source));
      } finally {
        await source.stop();
      }
    }
    if (PARTS.has('location')) location = locationRows(await locationAcrossInstances(c));
  } finally {
    await c.stop();
  }
  return {
    name: 'cluster',
    json: {
      ...(media && {
        media: {
          ...media.json,
          method:
            'werift synthetic callers (looped 720p VP8 ~1.5 Mbit/s + Opus) through HAProxy: invite, link, consent, ' +
            'publish; 2 viewers each through one console socket; recording on. Two nodes, then the second node ' +
            'stopped and the same number of calls on the first, after the first calls ended and their ingest ' +
            'finished. 4 s warm-up, then CPU from /proc/<pid>/stat of Janus and of the media-node process tree ' +
            "(sealing, ingest helpers); sessions per node from each node's /healthz",
        },
      }),
      ...(location && {
        location: {
          ...location.json,
          method:
            'phones (ws, own session, own X-Forwarded-For address, consent, location-only links) on instance A; ' +
            'two consoles, each in its own process, watching every session: on B (cross) and on A (same); 3 windows of ' +
            '15 s once A keeps up again (unless it never did) and other work on the machine is under 0.25 cores; fixTime stamped just before send, arrival − fixTime at the console, Date.now() on one ' +
            'machine; a reader on the Redis stream gives the append time (entry id); CPU from /proc/<pid>/stat of ' +
            'each process tree (PostgreSQL: postmaster and backends); machine busy from /proc/stat; PostgreSQL ' +
            'statements from pg_stat_activity once a second',
        },
      }),
    },
    rows: [...(media?.rows ?? []), ...(location?.rows ?? [])],
  };
}
