import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
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

/** Writes files back into a zip (for tampering tests). */
export async function writeZip(path: string, files: Map<string, Buffer>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, bytes] of files) zip.addBuffer(bytes, name);
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
