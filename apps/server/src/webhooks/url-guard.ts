import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { DomainError } from '../lib/errors.js';

/** Which webhook URLs are allowed (SIGHTLINE_WEBHOOK_ALLOW_HTTP, SIGHTLINE_WEBHOOK_ALLOW_PRIVATE). */
export interface UrlPolicy {
  allowHttp: boolean;
  allowPrivate: boolean;
}

// Addresses a webhook must not reach unless allowPrivate: otherwise an admin's (or an attacker
// with an admin's session's) endpoint could make the server probe its own network (SSRF).
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

/** True when `address` (a literal IPv4 or IPv6 address) is loopback, link-local, private or reserved. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family !== 6) return true; // not an address at all: refuse
  // IPv4-mapped (::ffff:127.0.0.1) is checked as the IPv4 address it carries.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  return PRIVATE.check(address, 'ipv6');
}

const refused = (message: string) => new DomainError('webhook_url_refused', message, { url: message });

/** Checks a URL's form when an admin saves it: https (or http when allowed), no credentials, no private literal host. */
export function checkWebhookUrl(raw: string, policy: UrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused('not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp))
    throw refused(policy.allowHttp ? 'use an http or https URL' : 'use an https URL');
  if (url.username || url.password)
    throw refused('credentials in the URL are not allowed; the signature authenticates');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivate && isIP(host) && isPrivateAddress(host))
    throw refused('this address is loopback, link-local or private');
  if (!policy.allowPrivate && (host === 'localhost' || host.endsWith('.localhost')))
    throw refused('this address is loopback, link-local or private');
  return url;
}

/**
 * Resolves the URL's host and returns the one address the request must connect to, refusing
 * when any address the name resolves to is private (unless allowed). The sender connects to this
 * address itself, so a name that resolves differently a moment later (DNS rebinding) cannot
 * redirect it.
 */
export async function resolveWebhookAddress(
  url: URL,
  policy: UrlPolicy,
  resolve: (host: string) => Promise<Array<{ address: string; family: number }>> = (h) =>
    lookup(h, { all: true, verbatim: true }),
): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const family = isIP(host);
  const found = family ? [{ address: host, family }] : await resolve(host);
  if (found.length === 0) throw refused(`${host} does not resolve`);
  if (!policy.allowPrivate && found.some((a) => isPrivateAddress(a.address)))
    throw refused(`${host} resolves to a loopback, link-local or private address`);
  const first = found[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
