import { describe, expect, it } from 'vitest';
import { createLogger, redactLinkToken } from './create-logger.js';
import { withLogContext } from './log-context.js';

/** The top-level keys of one JSON object, in order, duplicates kept (JSON.parse would hide them). */
function topLevelKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      let j = i + 1;
      while (line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      const rest = line.slice(j + 1).trimStart();
      if (depth === 1 && rest.startsWith(':')) keys.push(JSON.parse(line.slice(i, j + 1)) as string);
      i = j;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return keys;
}

function capture() {
  const lines: string[] = [];
  return { lines, log: createLogger('info', { write: (l: string) => lines.push(l) }) };
}

const duplicates = (line: string) => topLevelKeys(line).filter((k, i, all) => all.indexOf(k) !== i);

describe('createLogger', () => {
  it('writes no JSON line with a key twice, whatever children and callers add', () => {
    const { lines, log } = capture();
    const janus = log.child({ component: 'janus' });
    janus.info({ pid: 4242 }, 'janus: started');
    const room = log.child({ component: 'media' }).child({ sessionId: 's1' });
    room.info({ sessionId: 's1', reason: 'hangup' }, 'media: publisher gone');
    log.child({ component: 'janus' }).child({ component: 'janus-ws' }).warn('nested component');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(duplicates(line), line).toEqual([]);
  });

  it("keeps the server's own pid and the most specific value of a repeated key", () => {
    const { lines, log } = capture();
    log.child({ component: 'janus' }).info({ pid: 4242 }, 'janus: started');
    log.child({ component: 'janus' }).child({ component: 'janus-ws' }).info('x');
    const started = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(started.pid).toBe(process.pid);
    expect(started.childPid).toBe(4242);
    expect((JSON.parse(lines[1]!) as Record<string, unknown>).component).toBe('janus-ws');
  });

  it('still redacts secrets', () => {
    const { lines, log } = capture();
    log.info({ body: { password: 'hunter2-hunter2' } }, 'login');
    expect(lines[0]).not.toContain('hunter2');
  });

  it("logs a caller's or interpreter's link without its token, and keeps session ids", () => {
    const { lines, log } = capture();
    const token = 'Zm9vYmFyYmF6cXV4X2xpbmstdG9rZW4tMzItYnl0ZXM';
    log.info({ req: { method: 'GET', url: `/i/${token}`, ip: '10.0.0.1' } }, 'request');
    log.info({ req: { method: 'GET', url: `/j/${token}?lang=cy`, ip: '10.0.0.1' } }, 'request');
    log.info({ req: { method: 'GET', url: `/invite/${token}/accept`, ip: '10.0.0.1' } }, 'request');
    for (const line of lines) expect(line).not.toContain(token);
    expect(JSON.parse(lines[0]!).req.url).toBe('/i/[redacted]');
    expect(JSON.parse(lines[1]!).req.url).toBe('/j/[redacted]?lang=cy');
    const id = '3f2c9a4e-8b1d-4c6e-9f0a-1b2c3d4e5f60';
    expect(redactLinkToken(`/api/sessions/${id}/events`)).toBe(`/api/sessions/${id}/events`);
    expect(redactLinkToken('/assets/index-Bx7_aZ.js')).toBe('/assets/index-Bx7_aZ.js');
  });

  it('stamps every line written inside a request, socket message or job with its ids, once', async () => {
    const { lines, log } = capture();
    const child = log.child({ component: 'evidence', sessionId: 'old' });
    await withLogContext({ reqId: 'req-1' }, async () => {
      await Promise.resolve();
      await withLogContext({ sessionId: 's-9' }, async () => child.info({ sessionId: 's-9' }, 'inner'));
      log.info('outer');
    });
    log.info('outside');
    const [inner, outer, outside] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(inner).toMatchObject({ reqId: 'req-1', sessionId: 's-9', msg: 'inner' });
    expect(duplicates(lines[0]!)).toEqual([]);
    expect(outer).toMatchObject({ reqId: 'req-1', msg: 'outer' });
    expect(outer!.sessionId).toBeUndefined();
    expect(outside!.reqId).toBeUndefined();
  });
});
