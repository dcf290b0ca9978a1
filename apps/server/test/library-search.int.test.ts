import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OfficerClient, signIn, startServer, type TestServer } from './harness.js';

// The evidence library's text search means the same on SQLite and PostgreSQL: case-insensitive
// "contains", with the searched text's own wildcard characters taken literally.

let s: TestServer;
let supervisor: OfficerClient;
const ids = new Map<string, string>();

beforeAll(async () => {
  s = await startServer();
  const handler = await signIn(s, ['call-handler']);
  supervisor = await signIn(s, ['supervisor']);
  for (const reference of ['CAD_7/28NOV', 'CAD 7/28NOV', 'cadx7/29NOV']) {
    const res = await handler.request('POST', '/api/sessions', { phone: '07700 900123', reference });
    expect(res.status).toBe(201);
    ids.set(reference, ((await res.json()) as { session: { id: string } }).session.id);
  }
});
afterAll(() => s?.close());

const search = async (query: string) => {
  const res = await supervisor.request('GET', `/api/library/sessions?${query}`);
  expect(res.status).toBe(200);
  const { sessions } = (await res.json()) as { sessions: Array<{ id: string }> };
  return sessions.map((x) => x.id).sort();
};

describe('evidence library search', () => {
  it('finds a reference whatever its case', async () => {
    expect(await search('reference=cad')).toEqual([...ids.values()].sort());
    expect(await search('reference=28nov')).toEqual([ids.get('CAD_7/28NOV'), ids.get('CAD 7/28NOV')].sort());
  });

  it('takes an underscore in the search literally, not as "any character"', async () => {
    expect(await search('reference=cad_7')).toEqual([ids.get('CAD_7/28NOV')]);
  });

  it('finds the sending officer by part of their name, whatever its case', async () => {
    const all = await search('officer=OFFICER');
    expect(all).toEqual([...ids.values()].sort());
    expect(await search('officer=nobody-by-this-name')).toEqual([]);
  });
});
