import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import yazl from 'yazl';
import { ZipReader } from '../src/evidence/export/zip-reader.js';

/** Reads every file of a zip into memory. */
export async function readZip(path: string): Promise<Map<string, Buffer>> {
  const zip = await ZipReader.open(path);
  try {
    const out = new Map<string, Buffer>();
    for (const name of zip.entries.keys()) out.set(name, await zip.read(name));
    return out;
  } finally {
    zip.close();
  }
}

/** Writes files back into a zip (for tampering tests); `stored` names the files to keep uncompressed. */
export async function writeZip(
  path: string,
  files: Map<string, Buffer>,
  stored: (name: string) => boolean = () => false,
): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, bytes] of files) zip.addBuffer(bytes, name, { compress: !stored(name) });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(path));
}

/** Unzips into a folder. */
export async function unzipTo(path: string, dir: string): Promise<void> {
  for (const [name, bytes] of await readZip(path)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), bytes);
  }
}

/**
 * VERIFY.txt's second way, with standard tools only: unzips into a new folder under `work`, runs
 * `sha256sum -c SHA256SUMS` and `openssl pkeyutl -verify` on the manifest with the key inside
 * (either failing rejects), and returns the unzipped package folder.
 */
export async function verifyByHand(zipPath: string, work: string): Promise<string> {
  const run = promisify(execFile);
  const dir = await mkdtemp(join(work, 'unzipped-'));
  await unzipTo(zipPath, dir);
  const files = await readZip(zipPath);
  const top = join(dir, [...files.keys()][0]!.split('/')[0]!);
  await run('sha256sum', ['--quiet', '-c', 'SHA256SUMS'], { cwd: top });
  await run('sh', ['-c', 'base64 -d manifest.sig > manifest.sig.bin'], { cwd: top });
  const { stdout } = await run(
    'openssl',
    [
      'pkeyutl',
      '-verify',
      '-pubin',
      '-inkey',
      'signing-key.pub.pem',
      '-rawin',
      '-in',
      'manifest.json',
      '-sigfile',
      'manifest.sig.bin',
    ],
    { cwd: top },
  );
  if (!/Signature Verified Successfully/.test(stdout)) throw new Error(`openssl did not verify: ${stdout}`);
  return top;
}

/** Where each entry's stored bytes sit in the zip file (after its local header), and whether they are stored uncompressed. */
export async function entryDataRanges(
  zipBytes: Buffer,
): Promise<Array<{ name: string; start: number; end: number; stored: boolean }>> {
  const zip = await ZipReader.open(zipBytes);
  try {
    return [...zip.entries.values()].map((e) => {
      const local = e.relativeOffsetOfLocalHeader;
      const start = local + 30 + zipBytes.readUInt16LE(local + 26) + zipBytes.readUInt16LE(local + 28);
      return { name: e.fileName, start, end: start + e.compressedSize, stored: e.compressionMethod === 0 };
    });
  } finally {
    zip.close();
  }
}

/** A small seeded PRNG (mulberry32): the same seed gives the same mutations on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
