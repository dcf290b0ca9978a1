import { type Readable, Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import yauzl from 'yauzl';

/**
 * Minimal promise wrapper over yauzl: list entries, then stream any of them. Every stream is
 * checked against the CRC-32 the zip records for the entry (yauzl checks sizes, not CRCs), so
 * a damaged or altered entry fails as it is read, before anything else looks at its bytes.
 */
export class ZipReader {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    readonly entries: Map<string, yauzl.Entry>,
  ) {}

  /** Opens a zip file by path, or one already in memory. */
  static open(source: string | Buffer): Promise<ZipReader> {
    const options = { lazyEntries: true, autoClose: false, strictFileNames: true, validateEntrySizes: true };
    return new Promise((resolve, reject) => {
      const opened = (err: Error | null, zip?: yauzl.ZipFile) => {
        if (err || !zip) return reject(err ?? new Error('cannot open zip'));
        const entries = new Map<string, yauzl.Entry>();
        zip.on('entry', (e: yauzl.Entry) => {
          if (!e.fileName.endsWith('/')) entries.set(e.fileName, e);
          zip.readEntry();
        });
        zip.on('end', () => resolve(new ZipReader(zip, entries)));
        zip.on('error', reject);
        zip.readEntry();
      };
      if (typeof source === 'string') yauzl.open(source, options, opened);
      else yauzl.fromBuffer(source, options, opened);
    });
  }

  stream(name: string): Promise<Readable> {
    const entry = this.entries.get(name);
    if (!entry) return Promise.reject(new Error(`${name} is not in the package`));
    return new Promise((resolve, reject) =>
      this.zip.openReadStream(entry, (err, s) => {
        if (err || !s) return reject(err ?? new Error(`cannot read ${name}`));
        const check = crcCheck(entry.crc32);
        // pipe() does not forward errors: a damaged entry's inflate error must reach the reader.
        s.on('error', (e) => check.destroy(e));
        check.on('close', () => s.destroy());
        resolve(s.pipe(check));
      }),
    );
  }

  async read(name: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of await this.stream(name)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  close(): void {
    this.zip.close();
  }
}

/** Thrown (as a stream error) when an entry's bytes do not match the CRC-32 the zip records. */
export class ZipCrcError extends Error {
  override name = 'ZipCrcError';
}

/** Passes bytes through and fails at the end if their CRC-32 is not `expected`. */
function crcCheck(expected: number): Transform {
  let crc = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      if (crc >>> 0 === expected >>> 0) return done();
      done(
        new ZipCrcError(
          `CRC-32 ${hex(crc)} does not match the ${hex(expected)} the zip records (the zip is damaged or was altered)`,
        ),
      );
    },
  });
}

const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

// zlib.crc32 exists from Node 20.15 / 22.2; below that, a table-driven one (same results).
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
let table: Uint32Array | null = null;
function crc32(data: Uint8Array, value = 0): number {
  if (nativeCrc32) return nativeCrc32(data, value);
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
