import type { Command } from 'commander';
import { exitWith, out, withContext } from './context.js';

/** `sightline keys show`. */
export function registerKeys(program: Command): void {
  program
    .command('keys')
    .description('The evidence signing key.')
    .command('show')
    .description(
      'Print the evidence signing public key (PEM) and its fingerprint, to publish or hand to a verifier.',
    )
    .action(
      exitWith(() =>
        withContext(async ({ signer }) => {
          out(signer.publicKeyPem.trim());
          out(`Fingerprint (SHA-256 of the key): ${signer.fingerprint}`);
          return 0;
        }),
      ),
    );
}
