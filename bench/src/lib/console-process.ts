import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./cluster-console.mjs', import.meta.url));

export interface WindowResult {
  latencies: number[];
  loopDelayP99Ms: number;
}

/** The cluster location benchmark's officer console, run as its own process (cluster-console.mjs). */
export class ConsoleProcess {
  readonly #child: ChildProcess;
  #waiters: Array<{ key: string; resolve: (v: Record<string, unknown>) => void }> = [];
  #exit: Promise<void>;

  private constructor(url: string, cookie: string, sessionIds: string[]) {
    this.#child = spawn(process.execPath, [SCRIPT, url, cookie, sessionIds.join(',')], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.#exit = new Promise((r) => this.#child.once('exit', () => r()));
    createInterface({ input: this.#child.stdout! }).on('line', (line) => {
      const msg = JSON.parse(line) as Record<string, unknown>;
      const i = this.#waiters.findIndex((w) => w.key in msg);
      if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(msg);
    });
  }

  /** Starts the process and waits until its socket is open. */
  static async open(url: string, cookie: string, sessionIds: string[]): Promise<ConsoleProcess> {
    const c = new ConsoleProcess(url, cookie, sessionIds);
    await c.#next('open', 20_000);
    return c;
  }

  get pid(): number {
    return this.#child.pid!;
  }

  /** Watches every session; resolves once each has delivered a fix to this console. */
  async watch(timeoutMs: number): Promise<void> {
    this.#send({ watch: true });
    await this.#next('covered', timeoutMs);
  }

  async unwatch(): Promise<void> {
    this.#send({ unwatch: true });
    await this.#next('unwatched', 10_000);
  }

  /** Records fixes stamped in [from, to); resolves a few seconds after `to`. */
  async measure(from: number, to: number): Promise<WindowResult> {
    this.#send({ window: [from, to] });
    return (await this.#next('result', to - Date.now() + 30_000)).result as WindowResult;
  }

  async close(): Promise<void> {
    this.#child.stdin!.end();
    await this.#exit;
  }

  #send(cmd: Record<string, unknown>): void {
    this.#child.stdin!.write(`${JSON.stringify(cmd)}\n`);
  }

  #next(key: string, timeoutMs: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`console process: no "${key}" within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const exited = () => reject(new Error(`console process exited while waiting for "${key}"`));
      this.#child.once('exit', exited);
      this.#waiters.push({
        key,
        resolve: (v) => {
          clearTimeout(t);
          this.#child.off('exit', exited);
          resolve(v);
        },
      });
    });
  }
}
