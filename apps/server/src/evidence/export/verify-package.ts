import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parsePublicKeys, verifyWithKeys } from '../../adapters/keys/key-ring.js';
import { auditHash, type ChainedFields } from '../../audit/audit-chain.js';
import { sealGenesis, sealHash } from '../seal-chain.js';
import { ZipReader } from './zip-reader.js';

export interface PackageVerdict {
  ok: boolean;
  /** What was checked, in reading order. */
  checks: string[];
  problems: string[];
  keySource: 'given' | 'embedded';
  /** The fingerprint of the key the manifest's signature was verified with. */
  signedBy?: string;
}

/** The parts of manifest.json the verifier relies on; it is read from an untrusted file. */
const ManifestShape = z.looseObject({
  kind: z.string(),
  files: z.array(
    z.looseObject({
      path: z.string(),
      sha256: z.string(),
      size: z.number(),
      kind: z.string(),
      recordingId: z.string().nullish(),
    }),
  ),
});

interface SealLine {
  recordingId: string;
  seq: number;
  fileName: string;
  offset: number;
  prefixSha256: string;
  at: number;
  recovered: boolean;
  prevHash: string;
  hash: string;
}

/**
 * Verifies an export package on its own: no server, no database, no network.
 * Every listed file's SHA-256 and size, no unlisted files, the manifest's Ed25519
 * signature, each recording's seal chain, every master against every seal of it
 * (re-hashing the master's prefix at each sealed offset), the audit extract's hashes, and
 * every entry's zip CRC-32 as it is read. It never throws: a package it cannot read, wholly or
 * in part, is FAILED with the reason.
 */
export async function verifyPackage(
  source: string | Buffer,
  publicKeyPem: string | null,
): Promise<PackageVerdict> {
  const keySource = publicKeyPem ? 'given' : 'embedded';
  let zip: ZipReader;
  try {
    zip = await ZipReader.open(source);
  } catch (err) {
    return {
      ok: false,
      checks: [],
      problems: [`the file cannot be read as a zip (truncated or damaged?): ${reason(err)}`],
      keySource,
    };
  }
  try {
    return await verifyOpened(zip, publicKeyPem, keySource);
  } catch (err) {
    // Anything the checks above did not foresee still ends as a verdict, never a crash.
    return {
      ok: false,
      checks: [],
      problems: [`the package could not be checked: ${reason(err)}`],
      keySource,
    };
  } finally {
    zip.close();
  }
}

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function verifyOpened(
  zip: ZipReader,
  publicKeyPem: string | null,
  keySource: PackageVerdict['keySource'],
): Promise<PackageVerdict> {
  const checks: string[] = [];
  const problems: string[] = [];
  const names = [...zip.entries.keys()];
  const top = names[0]?.split('/')[0] ?? '';
  const at = (p: string) => `${top}/${p}`;
  if (!zip.entries.has(at('manifest.json')) || !zip.entries.has(at('manifest.sig'))) {
    return {
      ok: false,
      checks,
      problems: ['not a Sightline evidence package: manifest.json or manifest.sig is missing'],
      keySource,
    };
  }
  /** An entry's bytes, or null with the reason recorded (a damaged entry is a problem, not a crash). */
  const readEntry = async (name: string): Promise<Buffer | null> => {
    try {
      return await zip.read(name);
    } catch (err) {
      problems.push(`${name.slice(top.length + 1)}: cannot be read from the zip: ${reason(err)}`);
      return null;
    }
  };
  const manifestBytes = await readEntry(at('manifest.json'));
  const signature = (await readEntry(at('manifest.sig')))?.toString('utf8').trim() ?? '';
  const embedded = zip.entries.has(at('signing-key.pub.pem'))
    ? await readEntry(at('signing-key.pub.pem'))
    : null;
  const keyText = publicKeyPem ?? embedded?.toString('utf8') ?? null;
  if (!manifestBytes) return { ok: false, checks, problems, keySource };
  if (!keyText) problems.push('no public key given and none in the package');
  const signedBy = keyText
    ? checkSignature(manifestBytes, signature, keyText, keySource, checks, problems)
    : undefined;

  let manifest: z.infer<typeof ManifestShape>;
  try {
    const parsed = ManifestShape.safeParse(JSON.parse(manifestBytes.toString('utf8')));
    if (!parsed.success)
      return {
        ok: false,
        checks,
        problems: [...problems, 'manifest.json is not a package manifest'],
        keySource,
      };
    manifest = parsed.data;
  } catch {
    return { ok: false, checks, problems: [...problems, 'manifest.json is not valid JSON'], keySource };
  }
  const listed = new Set(manifest.files.map((f) => at(f.path)));
  for (const n of names) {
    if (!listed.has(n) && n !== at('manifest.json') && n !== at('manifest.sig'))
      problems.push(`${n.slice(top.length + 1)} is in the zip but not in the manifest`);
  }

  // Seal chains first (small), so masters can be checked against every seal while they are hashed.
  const sealsByFile = new Map<string, SealLine[]>();
  for (const f of manifest.files.filter((x) => x.kind === 'seals')) {
    if (!zip.entries.has(at(f.path))) continue;
    const bytes = await readEntry(at(f.path));
    if (!bytes) continue;
    let lines: SealLine[];
    try {
      lines = bytes
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as SealLine);
    } catch {
      problems.push(`${f.path}: is not a list of seals (a line is not JSON)`);
      continue;
    }
    let prev = lines[0] ? sealGenesis(lines[0].recordingId) : '';
    let chainOk = true;
    for (const s of lines) {
      if (s.prevHash !== prev || sealHash(s) !== s.hash) {
        problems.push(`${f.path}: seal #${s.seq} breaks the chain`);
        chainOk = false;
        break;
      }
      prev = s.hash;
      const key = `${s.recordingId}/${s.fileName}`;
      sealsByFile.set(key, [...(sealsByFile.get(key) ?? []), s]);
    }
    if (chainOk)
      checks.push(
        `${f.path}: chain of ${lines.length} seals intact${lines.some((s) => s.recovered) ? ' (the last seals were written at recovery after a restart)' : ''}`,
      );
  }

  let hashed = 0;
  for (const f of manifest.files) {
    if (!zip.entries.has(at(f.path))) {
      problems.push(`${f.path} is listed in the manifest but missing from the zip`);
      continue;
    }
    const seals =
      f.kind === 'master' && f.recordingId
        ? (sealsByFile.get(`${f.recordingId}/${f.path.split('/').pop()}`) ?? [])
        : [];
    let r: Awaited<ReturnType<typeof hashWithCheckpoints>>;
    try {
      r = await hashWithCheckpoints(
        zip,
        at(f.path),
        seals.map((s) => s.offset),
      );
    } catch (err) {
      problems.push(`${f.path}: cannot be read from the zip: ${reason(err)}`);
      continue;
    }
    if (r.size !== f.size || r.sha256 !== f.sha256) {
      problems.push(`${f.path}: SHA-256 or size does not match the manifest (file changed)`);
      continue;
    }
    hashed++;
    if (f.kind === 'master' && manifest.kind === 'full') {
      const last = seals.at(-1);
      if (!last) problems.push(`${f.path}: no seals for this master`);
      else if (last.offset !== r.size || last.prefixSha256 !== r.sha256)
        problems.push(`${f.path}: does not match its final seal`);
      else {
        const bad = seals.find((s) => r.prefixes.get(s.offset) !== s.prefixSha256);
        if (bad)
          problems.push(
            `${f.path}: the first ${bad.offset} bytes differ from what was sealed at ${new Date(bad.at).toISOString()}`,
          );
        else checks.push(`${f.path}: matches all ${seals.length} seals made while it was recorded`);
      }
    }
  }
  checks.push(`${hashed} of ${manifest.files.length} files match their SHA-256 and size`);

  const extract = manifest.files.find((f) => f.kind === 'audit-extract');
  const extractBytes =
    extract && zip.entries.has(at(extract.path)) ? await readEntry(at(extract.path)) : null;
  if (extractBytes) {
    let entries: Array<ChainedFields & { hash: string }> | null = null;
    try {
      const parsed = JSON.parse(extractBytes.toString('utf8')) as { entries?: unknown };
      if (Array.isArray(parsed.entries)) entries = parsed.entries as Array<ChainedFields & { hash: string }>;
    } catch {}
    if (!entries) problems.push('audit-extract.json: is not an audit extract');
    else {
      const broken = entries.filter((e) => auditHash(e) !== e.hash);
      if (broken.length)
        problems.push(`audit-extract.json: ${broken.length} entries do not match their hashes`);
      else checks.push(`audit-extract.json: all ${entries.length} entries match their chain hashes`);
    }
  }
  return { ok: problems.length === 0, checks, problems, keySource, ...(signedBy ? { signedBy } : {}) };
}

/**
 * The manifest's signature, checked with the key the manifest names (signingKey.fingerprint) out
 * of the given ones: one key, or a force's published key list covering every key it has used.
 */
function checkSignature(
  manifestBytes: Buffer,
  signature: string,
  keyText: string,
  keySource: PackageVerdict['keySource'],
  checks: string[],
  problems: string[],
): string | undefined {
  const keys = parsePublicKeys(keyText);
  let named: string | null = null;
  try {
    const fp = (JSON.parse(manifestBytes.toString('utf8')) as { signingKey?: { fingerprint?: unknown } })
      .signingKey?.fingerprint;
    named = typeof fp === 'string' ? fp : null;
  } catch {}
  // A single given key is used whatever the manifest says (its fingerprint is then compared by hand).
  const v = verifyWithKeys(keys, keys.size === 1 ? null : named, manifestBytes, signature);
  if (v.ok) {
    checks.push(
      `manifest.json signature valid (Ed25519, key ${v.fingerprint}${keySource === 'embedded' ? ', the key inside the package: compare its fingerprint with your force’s published key' : ''})`,
    );
    return v.fingerprint;
  }
  if (v.reason === 'unknown-key')
    problems.push(
      `manifest.json is signed with key ${named}, which is not among the given keys (not your force's key, or a key list that lacks it)`,
    );
  else
    problems.push(
      'manifest.json signature is NOT valid for this key (the manifest was changed, or signed by someone else)',
    );
  return undefined;
}

/** SHA-256 of an entry, plus the SHA-256 of its prefix at each given offset. */
async function hashWithCheckpoints(zip: ZipReader, name: string, offsets: number[]) {
  const hash = createHash('sha256');
  const prefixes = new Map<number, string>();
  const pending = [...new Set(offsets)].sort((a, b) => a - b);
  let pos = 0;
  await zip.forEachChunk(name, (c) => {
    let chunk = c;
    while (pending.length && pos + chunk.length >= pending[0]!) {
      const cut = pending.shift()! - pos;
      hash.update(chunk.subarray(0, cut));
      pos += cut;
      chunk = chunk.subarray(cut);
      prefixes.set(pos, hash.copy().digest('hex'));
    }
    hash.update(chunk);
    pos += chunk.length;
  });
  for (const o of pending) if (o === 0) prefixes.set(0, createHash('sha256').digest('hex'));
  return { sha256: hash.digest('hex'), size: pos, prefixes };
}
