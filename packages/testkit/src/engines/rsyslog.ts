import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/**
 * A throwaway rsyslogd (Debian's) for tests: in a temp folder, listening on 127.0.0.1 with imudp
 * and imtcp, writing every message it parses to a file as one JSON object a line: the RFC 5424
 * fields as rsyslog parsed them and the raw message.
 */
export interface RsyslogEngine {
  udpPort: number;
  tcpPort: number;
  /** Messages received so far, oldest first. */
  received(): Promise<ReceivedSyslog[]>;
  /** SIGKILL: as abrupt as a crashed or unplugged receiver. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ReceivedSyslog {
  pri: string;
  version: string;
  timestamp: string;
  hostname: string;
  app: string;
  procid: string;
  msgid: string;
  sd: string;
  msg: string;
  raw: string;
}

const BINARY = process.env.SIGHTLINE_RSYSLOGD ?? 'rsyslogd';

export async function startRsyslog(): Promise<RsyslogEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'sightline-rsyslog-'));
  const udpPort = await freePort();
  const tcpPort = await freePort();
  const out = join(dir, 'received.jsonl');
  const conf = join(dir, 'rsyslog.conf');
  const field = (outname: string, name: string) =>
    `property(outname="${outname}" name="${name}" format="jsonf"${name === 'timereported' ? ' dateFormat="rfc3339"' : ''})`;
  await writeFile(
    conf,
    `global(workDirectory="${dir}" maxMessageSize="64k")
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="127.0.0.1" port="${udpPort}")
input(type="imtcp" address="127.0.0.1" port="${tcpPort}")
template(name="fields" type="list" option.jsonf="on") {
  ${[
    field('pri', 'pri'),
    field('version', 'protocol-version'),
    field('timestamp', 'timereported'),
    field('hostname', 'hostname'),
    field('app', 'app-name'),
    field('procid', 'procid'),
    field('msgid', 'msgid'),
    field('sd', 'structured-data'),
    field('msg', 'msg'),
    field('raw', 'rawmsg'),
  ].join('\n  ')}
}
*.* action(type="omfile" file="${out}" template="fields" asyncWriting="off" flushOnTXEnd="on")
`,
  );
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const lastLines: string[] = [];
  const start = async () => {
    if (child) return;
    const c = spawn(
      'setpriv',
      ['--pdeathsig', 'KILL', '--', BINARY, '-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    for (const stream of [c.stdout, c.stderr])
      stream?.on('data', (d: Buffer) => {
        lastLines.push(...d.toString().split('\n').filter(Boolean));
        lastLines.splice(0, Math.max(0, lastLines.length - 20));
      });
    exited = new Promise((r) => c.once('exit', () => r()));
    child = c;
    void exited.then(() => {
      if (child === c) child = null;
    });
    process.once('exit', () => c.kill('SIGKILL'));
    const deadline = Date.now() + 10_000;
    while (!(await accepts(tcpPort))) {
      if (child !== c) throw new Error(`rsyslogd exited:\n${lastLines.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`rsyslogd did not listen on ${tcpPort}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const kill = async () => {
    const c = child;
    if (!c) return;
    c.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    udpPort,
    tcpPort,
    async received() {
      const text = await readFile(out, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as ReceivedSyslog);
    },
    kill,
    start,
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
