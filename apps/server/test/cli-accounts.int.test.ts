import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OfficerClient, startServer, type TestServer, TestSocket } from './harness.js';

// `sightline user disable|enable|roles|reset-password`: the break-glass path, run on the server
// (the built CLI, `npm run build` first) against a running server's data directory.

const CLI = join(import.meta.dirname, '../bin/sightline.js');
const PASSWORD = 'a-long-test-password';
let s: TestServer;
let seq = 0;

beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s?.close());

const cli = (args: string[], input = '') => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIGHTLINE_')));
  const r = spawnSync('node', [CLI, ...args], {
    env: { ...env, SIGHTLINE_DATA_DIR: s.dataDir, SIGHTLINE_DATABASE_URL: s.databaseUrl },
    input,
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

async function account(roles: Array<'call-handler' | 'supervisor' | 'admin' | 'dpo'>) {
  const username = `cli${++seq}`;
  await s.c.officers.create(
    { username, displayName: `CLI ${seq}`, password: PASSWORD, roles },
    { type: 'system' },
  );
  const signed = await s.c.auth.login(username, PASSWORD, null);
  const cookie = `sl_sid=${signed.cookie}`;
  const client: Pick<OfficerClient, 'id' | 'request'> = {
    id: signed.officer.id,
    request: (method, path) => fetch(`${s.url}${path}`, { method, headers: { cookie } }),
  };
  const sock = await TestSocket.open(`${s.wsUrl}/ws/console`, cookie);
  await sock.next((m) => m.type === 'hello');
  return { username, client, sock, cookie };
}

describe('account commands in the CLI (break-glass)', () => {
  it('user disable: the account is refused at once, its open console closes, and the audit names the OS user', async () => {
    const { username, client, sock } = await account(['call-handler']);
    const r = cli(['user', 'disable', username, '--reason', 'suspended pending enquiry']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Disabled ${username}.`);
    expect((await client.request('GET', '/api/sessions')).status).toBe(401);
    // The server hears of it on its next sweep, not from the CLI's process.
    expect(await sock.closedWith(30_000)).toBe(4403);
    const audit = await s.c.audit.list({ limit: 10, subjectId: client.id });
    expect(audit.find((a) => a.action === 'officer.disable')?.detail).toMatchObject({
      reason: 'suspended pending enquiry',
      breakGlass: true,
    });
    expect(audit.find((a) => a.action === 'cli.user_disable')?.detail).toHaveProperty('osUser');

    expect(cli(['user', 'list']).stdout).toContain(
      `${username}\tCLI ${username.slice(3)}\tcall-handler\tdisabled\n`,
    );
    expect(cli(['user', 'enable', username, '--reason', 'enquiry closed']).code).toBe(0);
    await expect(s.c.auth.login(username, PASSWORD, null)).resolves.toBeDefined();
  });

  it('user roles sets exactly the roles given, and the open console reconnects with them', async () => {
    const { username, client, sock, cookie } = await account(['call-handler']);
    const r = cli(['user', 'roles', username, '--role', 'supervisor', '--reason', 'promoted']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${username} now has: supervisor.`);
    expect((await client.request('GET', '/api/retention/review-queue')).status).toBe(200);
    expect(await sock.closedWith(30_000)).toBe(4409);
    const again = await TestSocket.open(`${s.wsUrl}/ws/console`, cookie);
    expect(await again.next((m) => m.type === 'hello')).toMatchObject({ officer: { roles: ['supervisor'] } });
    again.close();
  });

  it('user reset-password ends every sign-in and keeps the roles (no second admin on the server)', async () => {
    const { username, client, sock } = await account(['supervisor']);
    const r = cli(
      ['user', 'reset-password', username, '--reason', 'forgot it', '--password-stdin'],
      'another-long-password\n',
    );
    expect(r.code, r.stderr).toBe(0);
    expect((await client.request('GET', '/api/auth/me')).status).toBe(401);
    expect(await sock.closedWith(30_000)).toBe(4403);
    const fresh = await s.c.auth.login(username, 'another-long-password', null);
    expect(fresh.officer.roles).toEqual(['supervisor']);
  });

  it('refuses a missing reason, an unknown account, and disabling the last active admin', async () => {
    const { username } = await account(['admin']);
    expect(cli(['user', 'disable', username]).code).toBe(64);
    const unknown = cli(['user', 'disable', 'nobody-here', '--reason', 'testing']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('no officer with the username "nobody-here"');
    const last = cli(['user', 'disable', username, '--reason', 'testing']);
    expect(last.code).not.toBe(0);
    expect(last.stderr).toContain('last active admin');
    const help = cli(['user', 'roles', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('break-glass');
  });
});
