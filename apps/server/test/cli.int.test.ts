import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/db/database.js';
import { buildProgram } from '../src/cli/program.js';

// The built CLI (`npm run build` first), run as an operator would, in a temporary folder. No Janus.

const CLI = join(import.meta.dirname, '../bin/sightline.js');
const DAY = 86_400_000;
const work = mkdtempSync(join(tmpdir(), 'sightline-cli-'));
const home = join(work, 'station'); // where the server runs: ./data holds its database
const elsewhere = join(work, 'elsewhere'); // a wrong folder with no database
// The operator's shell, without any SIGHTLINE_* settings from the test runner.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIGHTLINE_')));

const cli = (args: string[], o: { cwd?: string; input?: string } = {}) => {
  const r = spawnSync('node', [CLI, ...args], {
    cwd: o.cwd ?? home,
    env,
    input: o.input ?? '',
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** Every command path in the tree, e.g. ['retention', 'dispose'], including groups. */
function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands.flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

let mediaFile: string;
let sessionId: string;

const users = () => cli(['user', 'list']).stdout;
const disposed = async () => {
  const db = openDatabase(`sqlite:${join(home, 'data', 'sightline.db')}`);
  try {
    const row = await db
      .selectFrom('sessions')
      .select('disposed_at')
      .where('id', '=', sessionId)
      .executeTakeFirstOrThrow();
    return row.disposed_at !== null;
  } finally {
    await db.destroy();
  }
};

beforeAll(async () => {
  mkdirSync(home);
  mkdirSync(elsewhere);
  const first = cli(['user', 'add', '--create-database', '--username', 'admin1', '--role', 'admin'], {
    input: 'a-long-first-password\n',
  });
  // No terminal and no --password-stdin: a password is generated and shown once.
  expect(first.code, first.stderr).toBe(0);
  // One ended, never-classified session from 100 days ago, with one stored file: due for disposal.
  const db = openDatabase(`sqlite:${join(home, 'data', 'sightline.db')}`);
  try {
    const officer = await db.selectFrom('officers').select('id').executeTakeFirstOrThrow();
    const t = Date.now() - 100 * DAY;
    sessionId = randomUUID();
    await db
      .insertInto('sessions')
      .values({
        id: sessionId,
        reference: 'CAD 7/CLI',
        phone_e164: '+447911123456',
        phone_masked: '+44 •••••••456',
        state: 'ended',
        created_by: officer.id,
        created_at: t,
        expires_at: t + 1_800_000,
        token_hash: randomUUID(),
        caller_secret_hash: null,
        caller_secret_expires_at: null,
        opened_at: t,
        consented_at: t,
        refused_at: null,
        live_at: t,
        ended_at: t + 60_000,
        end_reason: 'test',
        caller_user_agent: null,
        publishing: 0,
      })
      .execute();
    const key = `${sessionId}/master.mkv`;
    mediaFile = join(home, 'data', 'evidence', key);
    mkdirSync(join(home, 'data', 'evidence', sessionId), { recursive: true });
    writeFileSync(mediaFile, 'media bytes');
    await db
      .insertInto('evidence_items')
      .values({
        id: randomUUID(),
        session_id: sessionId,
        recording_id: null,
        kind: 'master',
        file_name: 'master.mkv',
        media_type: 'video/x-matroska',
        storage_key: key,
        sha256: 'a'.repeat(64),
        size: 11,
        created_at: t,
        derived_from: '[]',
        duration_ms: null,
      })
      .execute();
  } finally {
    await db.destroy();
  }
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Each command starts a node process; on a shared 2-core machine that can take seconds.
describe('sightline CLI', { timeout: 180_000 }, () => {
  it('prints help to stdout with exit 0 for every command and subcommand, and runs nothing', () => {
    const paths = [[], ...commandPaths(buildProgram())];
    expect(paths).toContainEqual(['retention', 'dispose']);
    for (const path of paths) {
      // `sightline retention dispose --help`; for groups also `sightline help retention` (each run
      // starts a node process: the machine is shared, so not every form for every path).
      const forms =
        path.length === 2
          ? [[...path, '--help']]
          : [
              [...path, '--help'],
              ['help', ...path],
            ];
      for (const args of forms) {
        const r = cli(args, { cwd: elsewhere });
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
        expect(r.stdout).toContain(`Usage: sightline${path.length ? ` ${path.join(' ')}` : ''}`);
        expect(r.stderr).toBe('');
      }
    }
    // Help opened no database anywhere.
    expect(existsSync(join(elsewhere, 'data'))).toBe(false);
  });

  it('refuses unknown commands and flags with a short error, non-zero exit, and changes nothing', () => {
    const before = users();
    for (const args of [
      ['frobnicate'],
      ['user', 'lst'],
      ['user', 'add', '--username', 'intruder', '--role', 'admin', '--bogus'],
      ['user', 'list', 'extra'],
      ['retention', 'dispose', '--yes', '--force'],
      ['retention', 'dispose', '-y'],
      ['audit', 'verify', '--pubkey', 'x.pem'],
    ]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(64);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error: /);
      expect(r.stderr.trim().split('\n').length, r.stderr).toBeLessThanOrEqual(3);
    }
    expect(users()).toBe(before);
    expect(users()).not.toContain('intruder');
    expect(existsSync(mediaFile)).toBe(true);
  });

  it('`retention dispose --help` prints help and disposes of nothing', async () => {
    const r = cli(['retention', 'dispose', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--yes/);
    expect(existsSync(mediaFile)).toBe(true);
    expect(await disposed()).toBe(false);
  });

  it('`retention dispose` without --yes shows what it would dispose of, refuses, and disposes of nothing', async () => {
    const r = cli(['retention', 'dispose']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/would dispose of media from 1 session/);
    expect(r.stdout).toContain('CAD 7/CLI');
    expect(r.stderr).toMatch(/Nothing was disposed.*--yes/);
    expect(existsSync(mediaFile)).toBe(true);
    expect(await disposed()).toBe(false);
  });

  it('refuses to create a database when run from the wrong folder, naming the folder and SIGHTLINE_DATA_DIR', () => {
    for (const args of [
      ['user', 'list'],
      ['retention', 'dispose', '--yes'],
      ['audit', 'verify'],
      ['keys', 'show'],
    ]) {
      const r = cli(args, { cwd: elsewhere });
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr).toContain(join(elsewhere, 'data'));
      expect(r.stderr).toMatch(/SIGHTLINE_DATA_DIR/);
      expect(r.stderr).toMatch(/Nothing was created/);
    }
    const add = cli(['user', 'add', '--username', 'lost', '--role', 'admin'], { cwd: elsewhere });
    expect(add.code).not.toBe(0);
    expect(existsSync(join(elsewhere, 'data'))).toBe(false);
  });

  it('says which data directory it uses, on stderr', () => {
    const r = cli(['user', 'list']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`data directory ${join(home, 'data')}`);
    expect(r.stdout).toContain('admin1');
  });

  it('`retention dispose --yes` does dispose of what is due (so the refusals above were real)', async () => {
    const r = cli(['retention', 'dispose', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Disposed of media from 1 session/);
    expect(existsSync(mediaFile)).toBe(false);
    expect(await disposed()).toBe(true);
  });
});
