import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';

/** One program of the cluster (a server instance or a media node), restartable in place. */
export interface ClusterProcess {
  /** Short name: `instance-a`, `media-1`. */
  name: string;
  /** Its own HTTP address (not the load balancer's). */
  url: string;
  port: number;
  /** The running child; replaced by `restart()`. */
  readonly process: ChildProcess;
  /** Last lines it logged, for failure messages. The whole log is in `logFile`. */
  log: string[];
  logFile: string;
  readonly running: boolean;
  /** SIGKILL, as a crash or a pulled plug would: no shutdown code runs. */
  kill(): Promise<void>;
  /** Starts it again with the same settings and data; resolves when it is ready. */
  restart(): Promise<void>;
  /** SIGTERM, waiting for its own clean shutdown (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

export interface ProcessSpec {
  name: string;
  port: number;
  args: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Resolves true once the program serves; polled until it does. */
  ready: (url: string) => Promise<boolean>;
  readyTimeoutMs?: number;
  /** Each log line as it comes (`npm run cluster` prints them prefixed). */
  onLine?: (name: string, line: string) => void;
}

/** Starts `node <args>` and waits for it to be ready. */
export async function startProcess(spec: ProcessSpec): Promise<ClusterProcess> {
  const url = `http://127.0.0.1:${spec.port}`;
  const log: string[] = [];
  const file: WriteStream = createWriteStream(spec.logFile, { flags: 'a' });
  let child = await launch();

  async function launch(): Promise<ChildProcess> {
    // setpriv's parent-death signal: if the orchestrator itself is killed, nothing is left
    // running. Its own process group keeps a terminal's Ctrl-C from reaching it directly, so
    // the orchestrator can stop the cluster in order.
    const c = spawn('setpriv', ['--pdeathsig', 'KILL', '--', process.execPath, ...spec.args], {
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const keep = (d: Buffer) => {
      file.write(d);
      for (const line of d.toString().split('\n')) {
        if (!line) continue;
        log.push(line);
        spec.onLine?.(spec.name, line);
      }
      if (log.length > 400) log.splice(0, log.length - 400);
    };
    c.stdout?.on('data', keep);
    c.stderr?.on('data', keep);
    const deadline = Date.now() + (spec.readyTimeoutMs ?? 60_000);
    for (;;) {
      if (c.exitCode !== null || c.signalCode !== null)
        throw new Error(`${spec.name} exited (${c.exitCode ?? c.signalCode}):\n${log.slice(-30).join('\n')}`);
      if (await spec.ready(url).catch(() => false)) return c;
      if (Date.now() > deadline)
        throw new Error(`${spec.name} did not become ready:\n${log.slice(-30).join('\n')}`);
      await sleep(200);
    }
  }

  const alive = () => child.exitCode === null && child.signalCode === null;
  const signal = async (sig: NodeJS.Signals, graceMs: number) => {
    if (!alive()) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(sig);
    await Promise.race([exited, sleep(graceMs)]);
    if (alive()) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  return {
    name: spec.name,
    url,
    port: spec.port,
    get process() {
      return child;
    },
    log,
    logFile: spec.logFile,
    get running() {
      return alive();
    },
    kill: () => signal('SIGKILL', 5_000),
    async restart() {
      await signal('SIGTERM', 15_000);
      child = await launch();
    },
    async stop() {
      await signal('SIGTERM', 15_000);
      file.end();
    },
  };
}

/** A port free on 127.0.0.1 now (the program binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (a && typeof a === 'object' ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
