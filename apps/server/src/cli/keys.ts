import { out, withContext } from './context.js';

export const KEYS_USAGE = `  sightline keys show
      Prints the evidence signing public key (PEM) and its fingerprint, to publish or hand to a verifier.`;

/** `sightline keys show`. */
export async function keysCommand(verb: string | undefined): Promise<number> {
  if (verb !== 'show') return 64;
  return withContext(async ({ signer }) => {
    out(signer.publicKeyPem.trim());
    out(`Fingerprint (SHA-256 of the key): ${signer.fingerprint}`);
    return 0;
  });
}
