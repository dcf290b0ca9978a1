import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A self-signed certificate for 127.0.0.1 (its own CA), valid a day, written to `dir` as
 * `<name>.key` and `<name>.pem`: the README's recipe for trying TLS on a phone.
 */
export function selfSignedCert(dir: string, name: string, cn = '127.0.0.1'): { key: string; cert: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${cn}`].concat([
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { stdio: 'ignore' },
  );
  return { key, cert };
}

/**
 * A CA and a client certificate it issued (`<name>.key`, `<name>.pem`, and `<name>-ca.pem`), valid
 * a day: what a network's AML sender presents when SIGHTLINE_AML_CLIENT_CA names the CA.
 */
export function clientCertFrom(dir: string, name: string): { key: string; cert: string; ca: string } {
  const file = (ext: string) => join(dir, `${name}${ext}`);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  run(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${name} CA`].concat([
      '-keyout',
      file('-ca.key'),
      '-out',
      file('-ca.pem'),
    ]),
  );
  run([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    file('.key'),
    '-out',
    file('.csr'),
  ]);
  writeFileSync(file('.ext'), 'extendedKeyUsage=clientAuth\n');
  run(
    ['x509', '-req', '-in', file('.csr'), '-CA', file('-ca.pem'), '-CAkey', file('-ca.key')].concat([
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      file('.ext'),
      '-out',
      file('.pem'),
    ]),
  );
  return { key: file('.key'), cert: file('.pem'), ca: file('-ca.pem') };
}
