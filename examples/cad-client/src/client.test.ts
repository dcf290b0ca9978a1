import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createSightlineClient } from './client.js';
import { renderTypes } from './render-types.js';

const read = (path: string) => readFile(new URL(path, import.meta.url), 'utf8');

describe('the example CAD client', () => {
  it('has types generated from the committed docs/api/openapi.json (else run `npm run openapi`)', async () => {
    const document = JSON.parse(await read('../../../docs/api/openapi.json'));
    expect(await renderTypes(document), 'src/api.d.ts is out of date: run `npm run openapi`').toBe(
      await read('./api.d.ts'),
    );
  });

  it('calls the documented path with its credentials and returns the typed answer', async () => {
    const seen: Request[] = [];
    const client = createSightlineClient({
      baseUrl: 'https://sightline.test',
      headers: { authorization: 'Bearer example' },
      fetch: async (request) => {
        seen.push(request);
        return Response.json({ ok: true, media: 'up' });
      },
    });
    const { data } = await client.GET('/healthz');
    expect(data).toEqual({ ok: true, media: 'up' });
    expect(seen.map((r) => [r.method, r.url, r.headers.get('authorization')])).toEqual([
      ['GET', 'https://sightline.test/healthz', 'Bearer example'],
    ]);
  });
});
