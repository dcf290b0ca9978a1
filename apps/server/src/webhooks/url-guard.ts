import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { DomainError } from '../lib/errors.js';

/** Which webhook URLs are allowed (SIGHTLINE_WEBHOOK_ALLOW_HTTP, SIGHTLINE_WEBHOOK_ALLOW_PRIVATE). */
export interface UrlPolicy {
  allowHttp: boolean;
  allowPrivate: boolean;
}

/**
 * True when `address` is anything but a globally reachable unicast address: loopback, link-local,
 * private, carrier-grade NAT, multicast, documentation, benchmarking, reserved, and the IPv6
 * forms that carry an IPv4 address (mapped, IPv4-compatible ::/96, NAT64 64:ff9b::/96 and
 * 64:ff9b:1::/48, 6to4 2002::/16, Teredo), which could lead back into a private network.
 * Without allowPrivate a webhook must not reach these: an admin's (or an attacker with an
 * admin's session's) endpoint could make the server probe its own network (SSRF). The IANA
 * special-purpose registries come from ipaddr.js (a Fastify dependency, kept up to date);
 * only its 'unicast' class (nothing special) is allowed.
 */
export function isPrivateAddress(address: string): boolean {
  if (!ipaddr.isValid(address) || isIP(address) === 0) return true; // not an address at all: refuse
  const ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    // IPv4-mapped (::ffff:127.0.0.1) is checked as the IPv4 address it carries, so its own
    // range decides (a mapped public address is allowed).
    if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range() !== 'unicast';
    // IPv4-compatible (::a.b.c.d, deprecated): ipaddr.js only knows :: and ::1 in ::/96.
    if (v6.parts.slice(0, 6).every((p) => p === 0)) return true;
  }
  return ip.range() !== 'unicast';
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
