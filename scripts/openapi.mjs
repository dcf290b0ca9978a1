#!/usr/bin/env node
// `npm run openapi`: writes docs/api/openapi.json from the built server (build first), without
// listening, then regenerates the example CAD client's types from it. The unit test
// apps/server/src/http/openapi/openapi.test.ts fails until both are committed (docs/openapi.md).
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, run } from './lib.mjs';

const dist = join(ROOT, 'apps/server/dist/http/openapi');
if (!existsSync(join(dist, 'generate.js'))) {
  console.error('apps/server is not built: run `npm run build` first');
  process.exit(1);
}
const { generateApiDocuments } = await import(join(dist, 'generate.js'));
const { serializeDocument } = await import(join(dist, 'openapi-document.js'));
const { document } = await generateApiDocuments();
const out = join(ROOT, 'docs/api/openapi.json');
await mkdir(join(ROOT, 'docs/api'), { recursive: true });
await writeFile(out, serializeDocument(document));
console.log(`wrote docs/api/openapi.json: ${Object.keys(document.paths).length} paths`);
run('npm', ['run', 'generate', '--silent', '-w', 'examples/cad-client']);
