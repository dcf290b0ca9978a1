import WebSocket from 'ws';

type Msg = Record<string, unknown> & { type: string };

/** A minimal officer console over /ws/console: sends messages with ids and awaits replies by ref or predicate. */
export class ConsoleClient {
  #seq = 0;
  #waiters: Array<{ pred: (m: Msg) => boolean; resolve: (m: Msg) => void }> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as Msg;
      const matched = this.#waiters.filter((w) => w.pred(m));
      this.#waiters = this.#waiters.filter((w) => !matched.includes(w));
      for (const w of matched) w.resolve(m);
    });
  }

  static async open(url: string, cookie: string): Promise<ConsoleClient> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/console`, { headers: { cookie } });
    const client = new ConsoleClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  waitFor(pred: (m: Msg) => boolean, timeoutMs = 20_000): Promise<Msg> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('console: timed out waiting for a message')), timeoutMs);
      this.#waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(t);
          resolve(m);
        },
      });
    });
  }

  /** Sends a message with a fresh id and resolves with the reply that refers to it (or an error). */
  async request(msg: Record<string, unknown>, replyType: string): Promise<Msg> {
    const id = `b${++this.#seq}`;
    const reply = this.waitFor((m) => m.ref === id && (m.type === replyType || m.type === 'error'));
    this.ws.send(JSON.stringify({ ...msg, id }));
    const m = await reply;
    if (m.type === 'error') throw new Error(`console: ${String(m.code)}: ${String(m.message)}`);
    return m;
  }

  send(msg: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(msg));
  }

  close(): void {
    this.ws.close();
  }
}
