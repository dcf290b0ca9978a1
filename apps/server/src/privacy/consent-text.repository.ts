import type { Db } from '../adapters/db/database.js';
import type { ConsentTextsTable } from '../adapters/db/privacy-schema.js';

export type ConsentTextRow = ConsentTextsTable;

/** The consent_texts table: each distinct text a caller's page was given, once, by its hash. */
export class ConsentTextRepository {
  constructor(private readonly db: Db) {}

  /** Stores a text unless it is already there (the first serving's time stays). */
  async keep(row: ConsentTextRow): Promise<void> {
    await this.db
      .insertInto('consent_texts')
      .values(row)
      .onConflict((oc) => oc.column('version').doNothing())
      .execute();
  }

  get(version: string): Promise<ConsentTextRow | undefined> {
    return this.db.selectFrom('consent_texts').selectAll().where('version', '=', version).executeTakeFirst();
  }

  async many(versions: string[]): Promise<ConsentTextRow[]> {
    if (versions.length === 0) return [];
    return this.db.selectFrom('consent_texts').selectAll().where('version', 'in', versions).execute();
  }
}
