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
    for (const a of ['8.8.8.8', '203.0.113.9', '172.32.0.1', '2001:db8::1'])
      expect(isPrivateAddress(a), a).toBe(false);
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
      resolveWebhookAddress(new URL('https://cad.example/'), strict, to('203.0.113.9')),
    ).resolves.toEqual({ address: '203.0.113.9', family: 4 });
    // Any private answer among several is refused (a rebinding name may return both).
    const mixed = async () => [
      { address: '203.0.113.9', family: 4 },
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
