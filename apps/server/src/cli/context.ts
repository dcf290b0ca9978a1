import { systemClock } from '../adapters/clock.js';
import { type Db, migrateToLatest, openDatabase } from '../adapters/db/database.js';
import { loadOrCreateSigner, type Signer } from '../adapters/keys/signer.js';
import { cryptoRandom } from '../adapters/random.js';
import { AuditService } from '../audit/audit.service.js';
import { type Config, loadConfig } from '../config/config.js';

export interface CliContext {
  config: Config;
  db: Db;
  signer: Signer;
  audit: AuditService;
}

/** Opens what a server-side command needs (same SIGHTLINE_* settings as the server), runs it, closes. */
export async function withContext<T>(run: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db);
    const signer = loadOrCreateSigner(config.keyDir);
    return await run({ config, db, signer, audit: new AuditService(db, systemClock, cryptoRandom, signer) });
  } finally {
    await db.destroy();
  }
}

export const out = (line = '') => process.stdout.write(`${line}\n`);
