import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const inPhone = (name: string, ...args: string[]) => ip('netns', 'exec', name, ...args);

/**
 * A phone on its own network: a network namespace joined to the test namespace by
 * a veth pair, so the test can throttle or cut the phone's link (WebSocket and
 * media alike) without touching the officer's. Chromium for the phone is started
 * inside it through a small wrapper script.
 */
export class PhoneNetwork {
  readonly hostIp: string;
  phoneIp: string;
  readonly chromium: string;
  /** The test side of the phone's link (give it to Janus as its media interface). */
  readonly iface: string;
  readonly #name: string;
  readonly #dev: string;

  constructor(index = 1) {
    if (process.env.SIGHTLINE_IN_NETNS !== '1')
      throw new Error('PhoneNetwork needs the private network namespace');
    this.#name = `sl-phone${index}-${process.pid}`;
    // Unique per process: a namespace deleted by the previous test worker may still be
    // freeing its end of the pair when the next worker starts.
    this.#dev = `slp${index}-${process.pid}`.slice(0, 15);
    this.iface = this.#dev;
    this.hostIp = `10.77.${10 + index}.1`;
    this.phoneIp = `10.77.${10 + index}.2`;
    ip('netns', 'add', this.#name);
    ip('link', 'add', this.#dev, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.#name);
    ip('addr', 'add', `${this.hostIp}/24`, 'dev', this.#dev);
    ip('link', 'set', this.#dev, 'up');
    inPhone(this.#name, 'ip', 'link', 'set', 'lo', 'up');
    inPhone(this.#name, 'ip', 'addr', 'add', `${this.phoneIp}/24`, 'dev', 'eth0');
    this.up();
    const dir = mkdtempSync(join(tmpdir(), 'phone-net-'));
    this.chromium = join(dir, 'chromium-on-phone-network');
    writeFileSync(
      this.chromium,
      `#!/bin/sh\nexec ip netns exec ${this.#name} ${process.env.SIGHTLINE_CHROMIUM ?? '/usr/bin/chromium'} "$@"\n`,
    );
    chmodSync(this.chromium, 0o755);
  }

  /** Brings the phone's link up, with a route to the media server's address. */
  up(): void {
    inPhone(this.#name, 'ip', 'link', 'set', 'eth0', 'up');
    inPhone(this.#name, 'ip', 'route', 'replace', 'default', 'via', this.hostIp);
  }

  /**
   * Leaves the phone only its own link: no default route, so it reaches the test side's
   * address (hostIp) and nothing behind it, as a network that lets through only the servers
   * it must. `up()` gives the route back.
   */
  confineToLink(): void {
    inPhone(this.#name, 'ip', 'route', 'del', 'default');
  }

  /** Cuts the phone off completely, as losing signal would. */
  down(): void {
    inPhone(this.#name, 'ip', 'link', 'set', 'eth0', 'down');
  }

  /**
   * The phone moves to another network, as from Wi-Fi to 4G: its address changes at
   * once and nothing sent to the old one arrives. The link itself never goes down, so
   * the browser gets no "offline" event; the page has to notice by itself.
   */
  renumber(): string {
    const old = this.phoneIp;
    const last = Number(old.split('.').pop());
    this.phoneIp = old.replace(/\d+$/, String(last >= 250 ? 2 : last + 1));
    // Old address first: removing a primary address also removes secondaries in its subnet.
    inPhone(this.#name, 'ip', 'addr', 'del', `${old}/24`, 'dev', 'eth0');
    inPhone(this.#name, 'ip', 'addr', 'add', `${this.phoneIp}/24`, 'dev', 'eth0');
    inPhone(this.#name, 'ip', 'route', 'replace', 'default', 'via', this.hostIp);
    return this.phoneIp;
  }

  /** Limits the phone's uplink (and downlink) to `kbit` kbit/s; 0 removes the limit. */
  throttle(kbit: number): void {
    for (const [ns, dev] of [
      [this.#name, 'eth0'],
      [null, this.#dev],
    ] as const) {
      const tc = (...args: string[]) =>
        ns ? inPhone(ns, 'tc', ...args) : execFileSync('tc', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      try {
        tc('qdisc', 'del', 'dev', dev, 'root');
      } catch {
        // no limit set yet
      }
      // The bucket must hold at least one timer tick's worth of bytes, or tbf caps below the rate.
      const burstKb = Math.max(16, Math.ceil(kbit / 8 / 100));
      if (kbit > 0)
        tc(
          'qdisc',
          'add',
          'dev',
          dev,
          'root',
          'tbf',
          'rate',
          `${kbit}kbit`,
          'burst',
          `${burstKb}kb`,
          'latency',
          '400ms',
        );
    }
  }

  /**
   * Makes the phone's downlink a thin mobile one: `kbit` kbit/s through a token bucket whose
   * queue holds `queueMs` of traffic (a cell's buffer: congestion shows as loss and delay, not
   * seconds of queue). The uplink is left free. netem (added delay, random loss) is not in
   * every kernel (not in this machine's), so only the rate and the queue are shaped.
   */
  shapeDownlink(o: { kbit: number; queueMs: number }): void {
    this.clear();
    const burstKb = Math.max(16, Math.ceil(o.kbit / 8 / 100));
    execFileSync(
      'tc',
      [
        'qdisc',
        'add',
        'dev',
        this.#dev,
        'root',
        'tbf',
        'rate',
        `${o.kbit}kbit`,
        'burst',
        `${burstKb}kb`,
        'latency',
        `${o.queueMs}ms`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
  }

  /** Removes any limit or shaping from both ends of the phone's link. */
  clear(): void {
    this.throttle(0);
  }

  destroy(): void {
    try {
      ip('link', 'del', this.#dev); // removes both ends at once
    } catch {
      // already gone
    }
    try {
      ip('netns', 'del', this.#name);
    } catch {
      // already gone
    }
  }
}
