import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, isPrivateAddress, resolveWebhookAddress } from './url-guard.js';

const strict = { allowHttp: false, allowPrivate: false };
const open = { allowHttp: true, allowPrivate: true };

describe('webhook URL rules (SSRF)', () => {
  it('knows loopback, link-local, private and reserved addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '100.64.0.1',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
    ])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['8.8.8.8', '81.2.69.142', '172.32.0.1', '2a00:1450:4009:81f::200e', '::ffff:8.8.8.8'])
      expect(isPrivateAddress(a), a).toBe(false);
  });

  it.each([
    ['64:ff9b::7f00:1', 'NAT64 well-known prefix (64:ff9b::/96) carrying 127.0.0.1'],
    ['64:ff9b:1::a00:1', 'local-use NAT64 (64:ff9b:1::/48)'],
    ['2002:7f00:1::1', '6to4 (2002::/16) carrying 127.0.0.1'],
    ['2001:0:4136:e378::1', 'Teredo (2001::/32)'],
    ['::7f00:1', 'IPv4-compatible (::/96) carrying 127.0.0.1'],
    ['::a9fe:a9fe', 'IPv4-compatible carrying the metadata address'],
    ['fec0::1', 'deprecated site-local (fec0::/10)'],
    ['2001:db8::1', 'documentation (2001:db8::/32)'],
    ['100::1', 'discard-only (100::/64)'],
    ['198.18.0.1', 'benchmarking (198.18.0.0/15)'],
    ['198.19.255.254', 'benchmarking, top of 198.18.0.0/15'],
    ['192.0.0.8', 'IETF protocol assignments (192.0.0.0/24)'],
    ['192.0.2.1', 'documentation TEST-NET-1'],
    ['198.51.100.1', 'documentation TEST-NET-2'],
    ['203.0.113.9', 'documentation TEST-NET-3'],
    ['192.88.99.1', '6to4 relay anycast (deprecated)'],
    ['255.255.255.255', 'limited broadcast'],
    ['240.0.0.1', 'reserved (240.0.0.0/4)'],
  ])('refuses %s: %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
    const url = address.includes(':') ? `https://[${address}]/` : `https://${address}/`;
    expect(() => checkWebhookUrl(url, strict)).toThrow(/loopback, link-local or private/);
  });

  it('refuses a name that resolves into a NAT64 or 6to4 wrapper of a private address', async () => {
    await expect(
      resolveWebhookAddress(new URL('https://cad.example/'), strict, async () => [
        { address: '64:ff9b::a9fe:a9fe', family: 6 },
      ]),
    ).rejects.toThrow(/private/);
  });

  it('wants https, unless plain http is allowed', () => {
    expect(() => checkWebhookUrl('http://cad.example/hook', strict)).toThrow(/https/);
    expect(checkWebhookUrl('https://cad.example/hook', strict).host).toBe('cad.example');
    expect(checkWebhookUrl('http://cad.example/hook', { ...strict, allowHttp: true }).protocol).toBe('http:');
    expect(() => checkWebhookUrl('ftp://cad.example/', open)).toThrow();
    expect(() => checkWebhookUrl('https://user:pw@cad.example/', open)).toThrow(/credentials/);
  });

  it('refuses private literal hosts and localhost unless allowed', () => {
    for (const u of [
      'https://127.0.0.1/',
      'https://[::1]/',
      'https://169.254.169.254/latest',
      'https://localhost/',
    ])
      expect(() => checkWebhookUrl(u, strict), u).toThrow(/private/);
    expect(checkWebhookUrl('https://127.0.0.1:9/', open).port).toBe('9');
  });

  it('refuses a name that resolves to a private address, and connects to the address it checked', async () => {
    const to = (address: string) => async () => [{ address, family: address.includes(':') ? 6 : 4 }];
    await expect(
      resolveWebhookAddress(new URL('https://evil.example/'), strict, to('10.0.0.5')),
    ).rejects.toThrow(/private/);
    await expect(
      resolveWebhookAddress(new URL('https://cad.example/'), strict, to('81.2.69.142')),
    ).resolves.toEqual({ address: '81.2.69.142', family: 4 });
    // Any private answer among several is refused (a rebinding name may return both).
    const mixed = async () => [
      { address: '81.2.69.142', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    await expect(resolveWebhookAddress(new URL('https://cad.example/'), strict, mixed)).rejects.toThrow(
      /private/,
    );
    await expect(
      resolveWebhookAddress(new URL('https://cad.example/'), open, to('127.0.0.1')),
    ).resolves.toEqual({
      address: '127.0.0.1',
      family: 4,
    });
  });
});
