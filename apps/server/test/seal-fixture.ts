import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  PostgresDialect,
  SqliteDialect,
} from 'kysely';
import pg from 'pg';
import { systemClock } from '../src/adapters/clock.js';
import { type Db, migrateToLatest, openDatabase } from '../src/adapters/db/database.js';
import type { Database } from '../src/adapters/db/schema.js';
import { fingerprintOf } from '../src/adapters/keys/key-ring.js';
import { cryptoRandom } from '../src/adapters/random.js';
import { type PackageVerdict, verifyPackage } from '../src/evidence/export/verify-package.js';
import { GrowingFile } from '../src/evidence/growing-file.js';
import { sealGenesis, sealHash } from '../src/evidence/seal-chain.js';
import { Sealer } from '../src/evidence/sealer.js';
import { silentLogger } from '../src/lib/logger.js';
import { freshDatabase } from './test-db.js';
import { writeZip } from './zip-tools.js';

/** A database of the tier's engine (SQLite file or fresh PostgreSQL database) and a spool folder. */
export interface SealWorld {
  url: string;
  db: Db;
  dir: string;
  close(): Promise<void>;
}

export async function sealWorld(): Promise<SealWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'sealer-'));
  const pg = await freshDatabase();
  const url = pg?.url ?? `sqlite:${join(dir, 'sightline.db')}`;
  const db = openDatabase(url);
  await migrateToLatest(db);
  const now = Date.now();
  await db
    .insertInto('officers')
    .values({ id: 'o1', username: 'o1', display_name: 'O', password_hash: 'x', roles: '[]', created_at: now })
    .execute();
  return {
    url,
    db,
    dir,
    close: async () => {
      await db.destroy();
      await pg?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { seedRecording } from './seed-recording.js';

export const newSealer = (
  db: Db,
  openFile?: (path: string) => Promise<GrowingFile>,
  intervalMs = 3_600_000,
) => new Sealer(db, systemClock, cryptoRandom, intervalMs, silentLogger, openFile);

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Packet-like bytes that differ from piece to piece. */
export const piece = (n: number, seed: number) =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * 131 + seed * 7) & 0xff));

export const sealRows = (db: Db, recordingId: string) =>
  db.selectFrom('seals').selectAll().where('recording_id', '=', recordingId).orderBy('seq').execute();

type SealRow = Awaited<ReturnType<typeof sealRows>>[number];

/** Each seal's hash recomputes and links to the one before, from the recording's genesis. */
export function chainHolds(recordingId: string, rows: SealRow[]): boolean {
  let prev = sealGenesis(recordingId);
  for (const x of rows) {
    const fields = {
      recordingId,
      seq: Number(x.seq),
      fileName: x.file_name,
      offset: Number(x.offset),
      prefixSha256: x.prefix_sha256,
      at: Number(x.at),
      recovered: x.recovered === 1,
      prevHash: x.prev_hash,
    };
    if (x.prev_hash !== prev || sealHash(fields) !== x.hash) return false;
    prev = x.hash;
  }
  return true;
}

/**
 * Runs the offline export verifier over a signed package holding these masters and this seal
 * chain, laid out as a full export lays them out (seals/<recording>.jsonl, manifest, signature).
 * `alterLine` changes the seal lines before the manifest is made (a forged chain, re-listed).
 */
export async function verifyAsExport(
  recordingId: string,
  masters: Array<{ fileName: string; path: string }>,
  rows: SealRow[],
  work: string,
  alterLine: (line: Record<string, unknown>, i: number) => void = () => {},
): Promise<PackageVerdict> {
  const lines = rows.map((x, i) => {
    const line: Record<string, unknown> = {
      recordingId,
      seq: Number(x.seq),
      fileName: x.file_name,
      offset: Number(x.offset),
      prefixSha256: x.prefix_sha256,
      at: Number(x.at),
      recovered: x.recovered === 1,
      prevHash: x.prev_hash,
      hash: x.hash,
    };
    alterLine(line, i);
    return JSON.stringify(line);
  });
  const entries = new Map<string, Buffer>([
    [`seals/${recordingId}.jsonl`, Buffer.from(`${lines.join('\n')}\n`)],
    ...masters.map((m) => [`media/${recordingId}/${m.fileName}`, readFileSync(m.path)] as [string, Buffer]),
  ]);
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const manifest = Buffer.from(
    JSON.stringify({
      kind: 'full',
      signingKey: { fingerprint: fingerprintOf(publicKey) },
      files: [...entries].map(([path, bytes]) => ({
        path,
        sha256: sha256(bytes),
        size: bytes.length,
        kind: path.startsWith('seals/') ? 'seals' : 'master',
        recordingId,
      })),
    }),
  );
  const zip = new Map<string, Buffer>([
    ['pkg/manifest.json', manifest],
    ['pkg/manifest.sig', Buffer.from(sign(null, manifest, privateKey).toString('base64'))],
    ...[...entries].map(([p, b]) => [`pkg/${p}`, b] as [string, Buffer]),
  ]);
  const path = join(work, `package-${Date.now()}-${Math.random().toString(36).slice(2)}.zip`);
  await writeZip(path, zip);
  return verifyPackage(path, publicKey.export({ type: 'spki', format: 'pem' }).toString());
}

/**
 * A second handle on the tier's database whose COMMIT, once `loseNextCommitReply()` is called,
 * is carried out but answered with an error: the reply lost on the way back, so the caller cannot
 * tell whether its rows were written ("in doubt").
 */
export function replyLostDb(url: string): { db: Db; loseNextCommitReply(): void; lostReplies(): number } {
  let lose = false;
  let lost = 0;
  const inner: Dialect = url.startsWith('sqlite:')
    ? new SqliteDialect({
        database: () => {
          const d = new SqliteDatabase(url.slice('sqlite:'.length));
          d.pragma('foreign_keys = ON');
          d.pragma('busy_timeout = 5000');
          return Promise.resolve(d);
        },
      })
    : new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) });
  const lossy = (conn: DatabaseConnection): DatabaseConnection =>
    new Proxy(conn, {
      get(target, prop) {
        if (prop === 'executeQuery')
          return async (q: CompiledQuery) => {
            const result = await target.executeQuery(q);
            if (lose && /^\s*commit\s*$/i.test(q.sql)) {
              lose = false;
              lost++;
              throw new Error('Connection terminated unexpectedly (after COMMIT was sent)');
            }
            return result;
          };
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  const dialect: Dialect = {
    createAdapter: () => inner.createAdapter(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createDriver: () => {
      const d = inner.createDriver();
      const driver: Driver = {
        init: () => d.init(),
        acquireConnection: async () => lossy(await d.acquireConnection()),
        beginTransaction: (c, s) => d.beginTransaction(c, s),
        commitTransaction: (c) => d.commitTransaction(c),
        rollbackTransaction: (c) => d.rollbackTransaction(c),
        releaseConnection: (c) => d.releaseConnection(c),
        destroy: () => d.destroy(),
      };
      return driver;
    },
  };
  return {
    db: new Kysely<Database>({ dialect }),
    loseNextCommitReply: () => {
      lose = true;
    },
    lostReplies: () => lost,
  };
}

/**
 * Opens recording files as the sealer does, counting handles opened and closed; `beforeOpen`
 * runs first (a test renames the file there, or makes a read fail).
 */
export function countingOpener(
  beforeOpen: (path: string) => void = () => {},
  failRead: (path: string, n: number) => boolean = () => false,
) {
  const counts = { opened: 0, closed: 0 };
  const openFile = async (path: string) => {
    beforeOpen(path);
    const h = await open(path, 'r');
    counts.opened++;
    let reads = 0;
    return new GrowingFile({
      stat: () => h.stat(),
      close: () => {
        counts.closed++;
        return h.close();
      },
      read: (b, o, l, p) =>
        failRead(path, ++reads)
          ? Promise.reject(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }))
          : h.read(b, o, l, p),
    });
  };
  return { counts, openFile };
}
