import type { LocationFix } from '@sightline/protocol';

const DB_NAME = 'sightline-device-copy';
const FIXES = 'fixes';

/** One fix as the phone keeps it until the server says it is stored. */
interface FixRow {
  token: string;
  /** The client's id for the fix: its device time, which the server also keeps each fix once by. */
  fixTime: number;
  fix: LocationFix;
}

const done = <T>(req: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

/**
 * The device copy of the location track: every fix the phone takes, in IndexedDB under the
 * link's token, until the server acknowledges it (`location.stored`). A reload, crash or
 * closed tab loses nothing: the page reopened on the same link sends what is left. Fixes are
 * removed as they are confirmed, and everything for the link when the session is over.
 */
export class FixStore {
  private constructor(
    private readonly db: IDBDatabase,
    private readonly token: string,
  ) {}

  /** Opens the store, or null where the browser has no IndexedDB (or refuses it: private mode). */
  static async open(token: string): Promise<FixStore | null> {
    if (typeof indexedDB === 'undefined' || !token) return null;
    try {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        // Keyed by link then fix time: one link's fixes are a key range, in time order.
        req.result.createObjectStore(FIXES, { keyPath: ['token', 'fixTime'] });
      };
      return new FixStore(await done(req), token);
    } catch {
      return null;
    }
  }

  /** Keeps a fix until confirmed (the same fix twice is one row). */
  async add(fix: LocationFix): Promise<void> {
    const row: FixRow = { token: this.token, fixTime: fix.fixTime, fix };
    await done(this.db.transaction(FIXES, 'readwrite').objectStore(FIXES).put(row));
  }

  /** The server has it: the phone need not keep it. */
  async confirm(fixTime: number): Promise<void> {
    await done(this.db.transaction(FIXES, 'readwrite').objectStore(FIXES).delete([this.token, fixTime]));
  }

  /** Fixes not yet confirmed, oldest first (at most `limit`). */
  async unconfirmed(limit = 1_000): Promise<LocationFix[]> {
    const range = IDBKeyRange.bound([this.token, 0], [this.token, Number.MAX_SAFE_INTEGER]);
    const rows = await done<FixRow[]>(
      this.db.transaction(FIXES).objectStore(FIXES).getAll(range, limit) as IDBRequest<FixRow[]>,
    );
    return rows.map((r) => r.fix);
  }

  /** Forgets every fix of this link (the session is over: nothing more is needed on the phone). */
  async purge(): Promise<void> {
    const range = IDBKeyRange.bound([this.token, 0], [this.token, Number.MAX_SAFE_INTEGER]);
    await done(this.db.transaction(FIXES, 'readwrite').objectStore(FIXES).delete(range));
  }

  close(): void {
    this.db.close();
  }
}
