/** VERIFY.txt: how anyone can check the package, with or without Sightline. */
export function verifyText(packageName: string, fingerprint: string): string {
  return `HOW TO CHECK THIS EVIDENCE PACKAGE (${packageName})
======================================================

This package was produced by Sightline. Nothing in it should ever change. You can
prove that in three ways:

1. With Sightline's verifier (needs no server, no database, no network):

     npx sightline evidence verify <this zip> --public-key <the force's published key list>

   It checks every file's SHA-256 against manifest.json, the signature on
   manifest.json, and each recording's seal chain, and prints VERIFIED (exit 0)
   or FAILED (exit 1). Without --public-key it can only say SELF-CONSISTENT ONLY
   (exit 3): signed by the key inside the package, which proves nothing about who
   made it.

2. By hand, with standard tools, from inside the unzipped folder:

     sha256sum -c SHA256SUMS
     base64 -d manifest.sig > manifest.sig.bin
     openssl pkeyutl -verify -pubin -inkey signing-key.pub.pem -rawin \\
             -in manifest.json -sigfile manifest.sig.bin

   (manifest.json also lists every file with its SHA-256 and size.)

3. Compare the key. signing-key.pub.pem is included for convenience only: check
   that its fingerprint is on the key list your force publishes (a force that
   has rotated its key lists every key it has signed with). This package says:

     ${fingerprint}

   (fingerprint = SHA-256 of the key's DER encoding, also in manifest.json as
   signingKey.fingerprint; "npx sightline keys show" prints the deployment's list.)

What the files are
------------------
masters/         NATIVE MASTERS: the recordings exactly as the media server wrote
                 them (Janus .mjr, raw RTP). Never altered. Play them through the
                 working copy, or convert with janus-pp-rec.
working-copies/  WORKING COPIES: the masters remuxed to WebM/MP4 without
                 re-encoding, for viewing. Not the master.
redacted/        REDACTED DERIVATIVES (if any): re-encoded with the redactions
                 described in manifest.json; the masters are untouched.
seals/           The seal chain: checkpoints (offset, SHA-256 of the bytes so far,
                 time) written every few seconds WHILE each recording arrived.
                 They show the master was not changed after it was recorded.
location/        The caller's location track: GeoJSON as stored, plus GPX and KML.
events/          The session timeline, notes and chat as JSON.
report.html      A readable report: session facts, map, timeline, file hashes.
audit-extract.json  The audit-trail entries about this evidence, with their
                 chain hashes.
`;
}
