import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { freePort } from '@sightline/testkit/server';

/**
 * WebKitGTK driven by Debian's WebKitWebDriver (classic W3C WebDriver over HTTP), in an Xvfb
 * display: this WebKitGTK build has no headless mode. The client is the dozen W3C endpoints the
 * specs use: the maintained clients (webdriverio's `webdriver`) bring Edge, Gecko and Safari
 * driver downloaders with them, which a closed CI network cannot use.
 */
export const WEBKIT_DRIVER = process.env.SIGHTLINE_WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver';
export const MINIBROWSER =
  process.env.SIGHTLINE_MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/**
 * MiniBrowser's WebKitSettings: media capture on, with WebKit's mock camera and microphone
 * (a moving test pattern and a tone, granted without a prompt under automation). WebRTC is
 * asked for too; this Debian build has none compiled in, which the specs prove the page survives.
 */
const BROWSER_ARGS = [
  '--automation',
  '--enable-media-stream=true',
  '--enable-mock-capture-devices=true',
  '--enable-webrtc=true',
];

export interface WebKit {
  /** The driver's base URL. */
  driver: string;
  stop(): Promise<void>;
}

const kill = (p: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve();
    p.once('exit', () => resolve());
    p.kill('SIGTERM');
  });

/** Starts Xvfb (it picks a free display) and WebKitWebDriver on it; fails if either is missing. */
export async function startWebKit(): Promise<WebKit> {
  for (const bin of [WEBKIT_DRIVER, MINIBROWSER, '/usr/bin/Xvfb'])
    if (!existsSync(bin))
      throw new Error(`${bin} is missing: apt-get install webkit2gtk-driver xvfb (see .ci/run)`);
  const xvfb = spawn(
    '/usr/bin/Xvfb',
    ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
    {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    },
  );
  const display = await new Promise<string>((resolve, reject) => {
    let out = '';
    xvfb.stdio[3]?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it had a display`)));
  });
  const port = await freePort();
  const driverProcess = spawn(WEBKIT_DRIVER, [`--port=${port}`], {
    env: { ...process.env, DISPLAY: display },
    stdio: 'ignore',
  });
  const driver = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ready = await fetch(`${driver}/status`)
      .then((r) => r.json() as Promise<{ value?: { ready?: boolean } }>)
      .then((j) => j.value?.ready === true)
      .catch(() => false);
    if (ready) break;
    if (i > 100) throw new Error('WebKitWebDriver did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    driver,
    stop: async () => {
      await kill(driverProcess);
      await kill(xvfb);
    },
  };
}

/** One MiniBrowser window: a fresh phone, with no cookies or storage from another test. */
export class WebKitPage {
  private constructor(private readonly base: string) {}

  /** Opens a MiniBrowser sized like a phone's screen. */
  static async open(webkit: WebKit, size = { width: 390, height: 844 }): Promise<WebKitPage> {
    const res = await wd<{ sessionId: string }>(`${webkit.driver}/session`, 'POST', {
      capabilities: {
        alwaysMatch: {
          browserName: 'MiniBrowser',
          'webkitgtk:browserOptions': { binary: MINIBROWSER, args: BROWSER_ARGS },
        },
      },
    });
    const page = new WebKitPage(`${webkit.driver}/session/${res.sessionId}`);
    await page.call('/window/rect', 'POST', size);
    return page;
  }

  goto(url: string): Promise<unknown> {
    return this.call('/url', 'POST', { url });
  }

  /** Runs `body` (a function body; `arguments` are `args`) in the page and returns its result. */
  run<T>(body: string, ...args: unknown[]): Promise<T> {
    return this.call<T>('/execute/sync', 'POST', { script: body, args });
  }

  /** Polls `expression` in the page until it is truthy; the error names what never happened. */
  async waitFor(what: string, expression: string, timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < until) {
      last = await this.run(`return (${expression});`).catch((e: Error) => e.message);
      if (last === true) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${what}: not within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
  }

  async click(css: string): Promise<void> {
    await this.call(`/element/${await this.find(css)}/click`, 'POST', {});
  }

  /** Types into a field; for a file input, `text` is the local path of the file to choose. */
  async type(css: string, text: string): Promise<void> {
    await this.call(`/element/${await this.find(css)}/value`, 'POST', { text });
  }

  /**
   * Saves a PNG of the viewport, from the top. WebKitGTK returns the last painted frame, which
   * under Xvfb can lag the DOM by a frame or two ("Loading…" after the consent screen was
   * rendered): wait for two animation frames first.
   */
  async screenshot(path: string): Promise<void> {
    await this.call('/execute/async', 'POST', {
      script:
        'const done = arguments[0]; window.scrollTo(0, 0); requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 100)));',
      args: [],
    });
    writeFileSync(path, Buffer.from(await this.call<string>('/screenshot', 'GET'), 'base64'));
  }

  close(): Promise<unknown> {
    return this.call('', 'DELETE').catch(() => undefined);
  }

  private async find(css: string): Promise<string> {
    const el = await this.call<Record<string, string>>('/element', 'POST', {
      using: 'css selector',
      value: css,
    });
    const id = Object.values(el)[0];
    if (!id) throw new Error(`no element ${css}`);
    return id;
  }

  private call<T>(path: string, method: 'GET' | 'POST' | 'DELETE', body?: unknown): Promise<T> {
    return wd<T>(`${this.base}${path}`, method, body);
  }
}

/** One W3C WebDriver command; an error answer becomes an Error with the driver's message. */
async function wd<T>(url: string, method: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as { value: T & { error?: string; message?: string } };
  if (!res.ok) throw new Error(`WebDriver ${method} ${url}: ${json.value?.error} ${json.value?.message}`);
  return json.value;
}
