import type { Command } from 'commander';
import { publishedKeyList } from '../adapters/keys/key-ring.js';
import { rotateSigningKey } from '../adapters/keys/signer.js';
import { SYSTEM } from '../audit/audit.service.js';
import { exitWith, out, withContext } from './context.js';

/** `sightline keys show` and `sightline keys rotate`. */
export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('The evidence signing keys.');
  keys
    .command('show')
    .description(
      'Print the published key list: every public key this deployment has signed with (PEM, fingerprint, ' +
        'when in use), the current one marked. Save it to a file and hand it to a verifier: ' +
        '`evidence verify --public-key` and `audit verify --public-key` accept it whole.',
    )
    .action(
      exitWith(() =>
        withContext(async ({ signer }) => {
          out(publishedKeyList(signer.ring()).trimEnd());
          out(`# Current key fingerprint (SHA-256 of the key): ${signer.current().fingerprint}`);
          return 0;
        }),
      ),
    );
  keys
    .command('rotate')
    .description(
      'Make a new Ed25519 signing key current. The old public key stays in the key list, so every export ' +
        'and audit checkpoint signed before still verifies; the old private key is destroyed. A running ' +
        'server picks the new key up on its next signature. With several instances, copy the key folder ' +
        'to every instance (docs/deployment.md).',
    )
    .action(
      exitWith(() =>
        withContext(async ({ config, signer, audit }) => {
          // Everything so far is signed by the old key before it goes.
          await audit.checkpointNow();
          const r = rotateSigningKey(config.keyDir, Date.now());
          await audit.record({
            actor: SYSTEM,
            action: 'signing_key.rotate',
            detail: { previous: r.previous, current: r.current },
          });
          await audit.checkpointNow();
          out(`Rotated. Previous key (kept in the key list, retired): ${r.previous}`);
          out(`Current key: ${signer.current().fingerprint}`);
          out('Publish the new key list: sightline keys show');
          return 0;
        }),
      ),
    );
}
