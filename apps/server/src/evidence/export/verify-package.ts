import { createHash, createPublicKey } from 'node:crypto';
import { fingerprintOf, verifySignature } from '../../adapters/keys/signer.js';
import { auditHash, type ChainedFields } from '../../audit/audit-chain.js';
import { sealGenesis, sealHash } from '../seal-chain.js';
import type { ManifestBody } from './manifest.js';
import { ZipReader } from './zip-reader.js';

export interface PackageVerdict {
  ok: boolean;
  /** What was checked, in reading order. */
  checks: string[];
  problems: string[];
  keySource: 'given' | 'embedded';
}

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
 * (re-hashing the master's prefix at each sealed offset), and the audit extract's hashes.
 */
export async function verifyPackage(zipPath: string, publicKeyPem: string | null): Promise<PackageVerdict> {
  const checks: string[] = [];
  const problems: string[] = [];
  const zip = await ZipReader.open(zipPath);
  try {
    const names = [...zip.entries.keys()];
    const top = names[0]?.split('/')[0] ?? '';
    const at = (p: string) => `${top}/${p}`;
    if (!zip.entries.has(at('manifest.json')) || !zip.entries.has(at('manifest.sig'))) {
      return {
        ok: false,
        checks,
        problems: ['not a Sightline evidence package: manifest.json or manifest.sig is missing'],
        keySource: 'embedded',
      };
    }
    const manifestBytes = await zip.read(at('manifest.json'));
    const signature = (await zip.read(at('manifest.sig'))).toString('utf8').trim();
    const keySource = publicKeyPem ? 'given' : 'embedded';
    const key =
      publicKeyPem ??
      (zip.entries.has(at('signing-key.pub.pem'))
        ? (await zip.read(at('signing-key.pub.pem'))).toString('utf8')
        : null);
    if (!key) problems.push('no public key given and none in the package');
    else if (!verifySignature(key, manifestBytes, signature))
      problems.push(
        'manifest.json signature is NOT valid for this key (the manifest was changed, or signed by someone else)',
      );
    else
      checks.push(
        `manifest.json signature valid (Ed25519, key ${fingerprintOf(createPublicKey(key))}${keySource === 'embedded' ? ', the key inside the package: compare its fingerprint with your force’s published key' : ''})`,
      );

    let manifest: ManifestBody;
    try {
      manifest = JSON.parse(manifestBytes.toString('utf8')) as ManifestBody;
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
      const lines = (await zip.read(at(f.path)))
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as SealLine);
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
      const r = await hashWithCheckpoints(
        zip,
        at(f.path),
        seals.map((s) => s.offset),
      );
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
    if (extract && zip.entries.has(at(extract.path))) {
      const { entries } = JSON.parse((await zip.read(at(extract.path))).toString('utf8')) as {
        entries: Array<ChainedFields & { hash: string }>;
      };
      const broken = entries.filter((e) => auditHash(e) !== e.hash);
      if (broken.length)
        problems.push(`audit-extract.json: ${broken.length} entries do not match their hashes`);
      else checks.push(`audit-extract.json: all ${entries.length} entries match their chain hashes`);
    }
    return { ok: problems.length === 0, checks, problems, keySource };
  } finally {
    zip.close();
  }
}

/** SHA-256 of an entry, plus the SHA-256 of its prefix at each given offset. */
async function hashWithCheckpoints(zip: ZipReader, name: string, offsets: number[]) {
  const hash = createHash('sha256');
  const prefixes = new Map<number, string>();
  const pending = [...new Set(offsets)].sort((a, b) => a - b);
  let pos = 0;
  for await (const c of await zip.stream(name)) {
    let chunk = c as Buffer;
    while (pending.length && pos + chunk.length >= pending[0]!) {
      const cut = pending.shift()! - pos;
      hash.update(chunk.subarray(0, cut));
      pos += cut;
      chunk = chunk.subarray(cut);
      prefixes.set(pos, hash.copy().digest('hex'));
    }
    hash.update(chunk);
    pos += chunk.length;
  }
  for (const o of pending) if (o === 0) prefixes.set(0, createHash('sha256').digest('hex'));
  return { sha256: hash.digest('hex'), size: pos, prefixes };
}
