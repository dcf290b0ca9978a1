import { execFileSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { type SyntheticCall, syntheticCall } from '@sightline/testkit/caller';
import { ConsoleClient } from '@sightline/testkit/console-client';
import {
  ensureClip,
  publisherOffer,
  ReceiveStats,
  RtpSource,
  viewerAnswer,
} from '@sightline/testkit/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from './fuzz/generate.js';
import { eventually, jsonApi, type OfficerClient, signIn, startServer, type TestServer } from './harness.js';

// The pattern that once crashed Janus: the caller republishes again and again (a flaky phone
// network, a reload) while officers are subscribed and resubscribing. This runs it for
// SIGHTLINE_SOAK_SECONDS (40 s in `npm test`; run longer by hand) with core dumps enabled, then
// checks that Janus never died, still forwards media, and that every recording was kept.
const SOAK_MS = Number(process.env.SIGHTLINE_SOAK_SECONDS ?? 40) * 1000;
const VIEWERS = 3;

let s: TestServer;
let officer: OfficerClient;
const source = new RtpSource();

beforeAll(async () => {
  // Children inherit the limit: Janus may now dump core, into its own folder (its cwd).
  execFileSync('prlimit', ['--pid', String(process.pid), '--core=unlimited:unlimited']);
  await source.start(ensureClip());
  s = await startServer();
  officer = await signIn(s, ['call-handler']);
});
afterAll(async () => {
  await source.stop();
  await s?.close();
});

/** An officer watching, who subscribes again whenever the view ends (as the console does). */
class Watcher {
  stats = new ReceiveStats();
  views = 0;
  lastError = '';
  #viewId: string | null = null;
  #stopped = false;
  #starting = false;
  #pc: { close(): Promise<void> } | null = null;
  /**
   * Views Janus already ended. ws emits every message of one TCP read in the same tick, so a
   * 'view.ended' can arrive before the awaited 'view.offer' has set #viewId: without this the
   * watcher kept a dead view and waited for packets forever (a CI failure, on a loaded machine).
   */
  readonly #ended = new Set<string>();

  constructor(
    private readonly con: ConsoleClient,
    private readonly sessionId: string,
  ) {
    con.ws.on('message', (d: Buffer) => {
      const m = JSON.parse(d.toString()) as { type: string; viewId?: string };
      if (m.type === 'view.ended' && m.viewId) this.#ended.add(m.viewId);
      if (m.type === 'view.ended' && m.viewId === this.#viewId) {
        this.#viewId = null;
        void this.start();
      }
    });
  }

  async start(): Promise<void> {
    if (this.#starting) return; // the running loop sees the ended view and asks again
    this.#starting = true;
    try {
      while (!this.#stopped && !this.#viewId) {
        try {
          const offer = await this.con.request(
            { type: 'view.start', sessionId: this.sessionId },
            'view.offer',
          );
          const id = offer.viewId as string;
          if (this.#ended.has(id)) continue; // ended before its offer was handled: ask again
          // Known at once: Janus may end this view while we answer, and that 'view.ended' must count.
          this.#viewId = id;
          const answer = await viewerAnswer(offer.sdp as string, this.stats);
          void this.#pc?.close();
          this.#pc = answer.pc;
          if (this.#ended.has(id)) this.#viewId = null;
          if (this.#viewId !== id) continue; // ended while we answered: ask again
          this.con.send({ type: 'view.answer', id: `a${this.views}`, viewId: id, sdp: answer.sdp });
          this.views++;
        } catch (err) {
          this.lastError = String(err);
          this.#viewId = null;
          await new Promise((r) => setTimeout(r, 100)); // not live right now: the caller is republishing
        }
      }
    } finally {
      this.#starting = false;
    }
  }

  state() {
    return {
      viewId: this.#viewId,
      views: this.views,
      packets: this.stats.packets,
      lastError: this.lastError,
    };
  }

  /** Stops and starts again at once: an officer closing and reopening the tile. */
  async restart(): Promise<void> {
    const id = this.#viewId;
    if (!id) return;
    this.#viewId = null;
    this.con.send({ type: 'view.stop', id: `s${this.views}`, viewId: id });
    await this.start();
  }

  stop(): void {
    this.#stopped = true;
    void this.#pc?.close();
    this.con.close();
  }
}

/** A new publish on the caller's open socket (what the page does when its path changes). */
async function republish(call: SyntheticCall, n: number, waitForAnswer: boolean): Promise<() => void> {
  const pub = await publisherOffer(source);
  const id = `soak-${n}`;
  const answered = new Promise<string | null>((resolve) => {
    const onMessage = (d: Buffer) => {
      const m = JSON.parse(d.toString()) as { type: string; offerId?: string; sdp?: string };
      if (m.type === 'publish.answer' && m.offerId === id) {
        call.ws.off('message', onMessage);
        resolve(m.sdp ?? null);
      }
    };
    call.ws.on('message', onMessage);
    setTimeout(() => {
      call.ws.off('message', onMessage);
      resolve(null);
    }, 15_000);
  });
  call.ws.send(JSON.stringify({ type: 'publish.offer', id, sdp: pub.sdp }));
  const accept = answered.then((sdp) => (sdp ? pub.accept(sdp) : undefined));
  if (waitForAnswer) await accept;
  return () => pub.close();
}

describe('Janus under rapid republishing with subscribed viewers', () => {
  it(
    `survives ${SOAK_MS / 1000} s of republishes and resubscribes: no crash, no core, media still flows, no recording lost`,
    async ({ annotate }) => {
      const rng = new Rng(7);
      const janusPid = s.c.janus.supervisor!.pid;
      const call = await syntheticCall(s.url, jsonApi(officer), source);
      const watchers: Watcher[] = [];
      for (let i = 0; i < VIEWERS; i++) {
        const con = await ConsoleClient.open(s.url, officer.cookie);
        const w = new Watcher(con, call.sessionId);
        watchers.push(w);
        await w.start();
      }
      const closers: Array<() => void> = [];
      let cycles = 0;
      const deadline = Date.now() + SOAK_MS;
      while (Date.now() < deadline) {
        const roll = rng.next();
        // Mostly a clean republish; sometimes two offers back to back (the old one not yet
        // answered), and sometimes an officer reopening a tile at the same moment.
        closers.push(await republish(call, cycles, roll < 0.7));
        if (roll >= 0.85) void rng.pick(watchers).restart();
        // The previous peer connection goes away a little later, as a phone's does.
        if (closers.length > 2) closers.shift()!();
        cycles++;
        await new Promise((r) => setTimeout(r, rng.int(150, 600)));
      }
      // Settle on one last clean publish and check a fresh viewer receives it.
      closers.push(await republish(call, cycles, true));
      for (const c of closers.splice(0, closers.length - 1)) c();
      const before = watchers.map((w) => w.stats.packets);
      await eventually(() => watchers.every((w, i) => w.stats.packets > before[i]! + 50), 20_000).catch(
        () => {
          throw new Error(
            `viewers stopped receiving after ${cycles} republishes: ${JSON.stringify(watchers.map((w) => w.state()))}`,
          );
        },
      );

      // Janus never died: same process, no restarts, no core file.
      expect(s.c.janus.supervisor!.pid).toBe(janusPid);
      expect(s.c.plane.status.restarts).toBe(0);
      const cores = (await readdir(`${s.dataDir}/janus`)).filter((f) => f.startsWith('core'));
      expect(cores, 'Janus dumped core: keep the file and read the backtrace').toEqual([]);
      expect(watchers.reduce((n, w) => n + w.views, 0)).toBeGreaterThan(VIEWERS * 5);

      // Nothing lost: after the call ends, every recording segment is stored (or had no media yet).
      await officer.request('POST', `/api/sessions/${call.sessionId}/end`, { reason: 'soak finished' });
      call.hangUp();
      for (const w of watchers) w.stop();
      const rows = await eventually(
        async () => {
          const all = await s.c.db
            .selectFrom('recordings')
            .select(['state', 'error'])
            .where('session_id', '=', call.sessionId)
            .execute();
          return all.every((r) => r.state === 'stored' || r.state === 'empty' || r.state === 'failed') && all;
          // Ingest is one segment at a time (a fraction of a second each): allow for the backlog.
        },
        60_000 + cycles * 1_000,
      );
      expect(rows.length).toBeGreaterThanOrEqual(cycles / 2);
      expect(rows.filter((r) => r.state === 'failed')).toEqual([]);
      expect(rows.filter((r) => r.state === 'stored').length).toBeGreaterThan(cycles / 4);
      await annotate(
        `${cycles} republishes in ${SOAK_MS / 1000} s, ${watchers.reduce((n, w) => n + w.views, 0)} views, ` +
          `${rows.filter((r) => r.state === 'stored').length} recordings stored, ` +
          `${rows.filter((r) => r.state === 'empty').length} empty`,
      );
    },
    3 * SOAK_MS + 180_000,
  );
});
