// `npm run generate`: src/api.d.ts from the committed public document (docs/api/openapi.json).
import { readFile, writeFile } from 'node:fs/promises';
import { renderTypes } from '../src/render-types.js';

const document = JSON.parse(
  await readFile(new URL('../../../docs/api/openapi.json', import.meta.url), 'utf8'),
);
await writeFile(new URL('../src/api.d.ts', import.meta.url), await renderTypes(document));
process.stdout.write('wrote examples/cad-client/src/api.d.ts\n');
