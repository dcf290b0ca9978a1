import Database from 'better-sqlite3';

/** Opens the test server's SQLite database read-only (the e2e server runs the embedded default). */
export function readDatabase(dataDir: string): Database.Database {
  return new Database(`${dataDir}/sightline.db`, { readonly: true, fileMustExist: true });
}

/** The id of the session sent with `reference`: specs that look inside need it, the console never shows it. */
export function sessionIdFor(dataDir: string, reference: string): string {
  const d = readDatabase(dataDir);
  try {
    const row = d.prepare('select id from sessions where reference = ?').get(reference) as
      | { id: string }
      | undefined;
    if (!row) throw new Error(`no session for ${reference}`);
    return row.id;
  } finally {
    d.close();
  }
}
