import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Logger } from '../../lib/logger.js';
import { TypedEmitter } from '../../lib/typed-emitter.js';
import { type JanusFiles, writeJanusConfig } from './janus-config.js';

export interface SupervisorEvents {
  spawned: (pid: number) => void;
  /** Janus exited on its own; a restart is scheduled unless we are stopping. */
  exited: (info: {
    code: number | null;
    signal: string | null;
    lastLines: string[];
    restartInMs: number;
  }) => void;
}

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;
/** Uptime after which a crash counts as new rather than part of a crash loop. */
const STABLE_AFTER_MS = 30_000;
const KEEP_LINES = 40;
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? null;

/**
 * Runs Janus as a child process and restarts it whenever it exits, with
 * backoff so a crash loop cannot eat the CPU the live streams need.
 */
export class JanusSupervisor extends TypedEmitter<SupervisorEvents> {
  #child: ChildProcess | null = null;
  #stopping = false;
  #backoff = MIN_BACKOFF_MS;
  #restartTimer: NodeJS.Timeout | null = null;
  #lines: string[] = [];
  #startedAt = 0;

  constructor(
    private readonly binary: string,
    private readonly files: JanusFiles,
    private readonly log: Logger,
  ) {
    super();
  }

  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  async start(): Promise<void> {
    this.#stopping = false;
    await this.stopLeftover();
    await writeJanusConfig(this.files);
    this.#spawn();
  }

  /**
   * A Janus left running by a server that crashed would hold the API port and keep
   * recordings open. Stop it (SIGTERM lets it close its recordings) before starting ours.
   */
  private async stopLeftover(): Promise<void> {
    const pid = Number(await readFile(this.pidFile, 'utf8').catch(() => ''));
    if (!pid) return;
    const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
    if (comm.trim() !== 'janus') return;
    this.log.warn({ pid }, 'janus: stopping a media server left running by a previous start');
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 50 && (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  private get pidFile(): string {
    return `${this.files.dir}/janus.pid`;
  }

  /** Stops Janus: SIGTERM, then SIGKILL if it has not gone within the grace period. */
  async stop(graceMs = 3_000): Promise<void> {
    this.#stopping = true;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }

  #spawn(): void {
    const args = [
      '--config',
      `${this.files.dir}/janus.jcfg`,
      '--configs-folder',
      this.files.dir,
      '--disable-colors',
    ];
    // setpriv makes the kernel send Janus SIGTERM if this process dies, so a crash of the
    // server never leaves Janus recording on its own; Janus then closes its files cleanly.
    // Janus runs in its own folder, so a core dump (when core dumps are enabled and the
    // kernel's core_pattern is a plain name) lands beside its config, not in the server's.
    const opts = { stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'], cwd: this.files.dir };
    const child = SETPRIV
      ? spawn(SETPRIV, ['--pdeathsig', 'SIGTERM', '--', this.binary, ...args], opts)
      : spawn(this.binary, args, opts);
    this.#child = child;
    this.#startedAt = Date.now();
    this.#lines = [];
    child.once('spawn', () => {
      void writeFile(this.pidFile, String(child.pid)).catch(() => {});
      this.log.info({ pid: child.pid }, 'janus: started');
      this.safeEmit('spawned', child.pid ?? 0);
    });
    child.once('error', (err) => {
      // ENOENT and friends: "exit" never fires, so report and retry here.
      this.#lines.push(`spawn failed: ${err.message}`);
      this.#onExit(null, null);
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => this.#onLine(line));
    }
    child.once('exit', (code, signal) => this.#onExit(code, signal));
  }

  #onLine(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > KEEP_LINES) this.#lines.shift();
    if (/\[(ERR|FATAL)\]/.test(line)) this.log.warn({ janus: line }, 'janus');
    else this.log.debug({ janus: line }, 'janus');
  }

  #onExit(code: number | null, signal: string | null): void {
    if (this.#child === null) return;
    this.#child = null;
    if (this.#stopping) {
      this.log.info({ code, signal }, 'janus: stopped');
      return;
    }
    if (Date.now() - this.#startedAt > STABLE_AFTER_MS) this.#backoff = MIN_BACKOFF_MS;
    const restartInMs = this.#backoff;
    this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF_MS);
    this.log.error(
      { code, signal, restartInMs, lastLines: this.#lines.slice(-8) },
      'janus: media server exited unexpectedly; restarting',
    );
    this.safeEmit('exited', { code, signal, lastLines: [...this.#lines], restartInMs });
    this.#restartTimer = setTimeout(() => {
      if (!this.#stopping) this.#spawn();
    }, restartInMs);
  }
}
