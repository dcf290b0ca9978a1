/**
 * `npm run cluster` (through scripts/cluster.mjs, inside the network namespace): starts the
 * cluster topology, prints where to sign in, and stops it all on Ctrl-C.
 */
import { type Cluster, startCluster } from './cluster.js';

const keepData = process.argv.includes('--keep-data');
const port = Number(process.env.SIGHTLINE_PORT ?? 8080);

/** Warnings and errors from any program, one line each; the full JSON logs are in files. */
function printNotable(name: string, line: string): void {
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
    if ((entry.level ?? 0) < 40) return;
    console.warn(`[${name}] ${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`);
  } catch {
    console.warn(`[${name}] ${line}`);
  }
}

let cluster: Cluster | null = null;
let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.warn('\nStopping the cluster…');
    await cluster?.stop({ keepData });
    if (keepData && cluster) console.warn(`Data and logs kept in ${cluster.dir}`);
  }
  process.exit(code);
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void stop(0));

try {
  cluster = await startCluster({ port, accounts: 'generated', onLine: printNotable });
} catch (err) {
  console.error(`✗ the cluster did not start: ${err instanceof Error ? err.message : String(err)}`);
  await stop(1);
}
const c = cluster!;
const say = (text: string) => process.stdout.write(`${text}\n`);
const row = (label: string, value: string) => say(`  ${label.padEnd(16)} ${value}`);
say('\n  Sightline cluster is running.\n');
row('Console:', `${c.url}   (the load balancer)`);
row('Sign in:', `${c.login?.username} / ${c.login?.password}   (call handler and supervisor)`);
for (const p of c.instances) row(`Instance ${c.backendName(p)}:`, `${p.url}   log ${p.logFile}`);
for (const p of c.mediaNodes) row(`Media node:`, `${p.name}, ${p.url}/healthz   log ${p.logFile}`);
row('Load balancer:', `HAProxy, admin socket ${c.dir}/haproxy/admin.sock, log ${c.dir}/haproxy/haproxy.log`);
row('PostgreSQL:', c.postgres.url('sightline'));
row('Redis:', c.redis.url);
row('S3:', `${c.s3.endpoint}, bucket ${c.s3.bucket} (s3rver)`);
row('Data and logs:', `${c.dir}${keepData ? '' : '   (removed on stop; --keep-data keeps it)'}`);
say(
  `\n  Everything listens inside a private network namespace. Reach it from this machine with\n` +
    `    nsenter --target ${process.pid} --net <command>   e.g. curl ${c.url}/healthz\n` +
    '  Stop with Ctrl+C.\n',
);
