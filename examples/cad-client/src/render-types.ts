import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';

/** Header of the generated file: who made it and how to remake it. */
const HEADER =
  '// Generated from docs/api/openapi.json by openapi-typescript: do not edit.\n' +
  '// Regenerate with `npm run openapi` (root) or `npm run generate -w examples/cad-client`.\n\n';

/** The TypeScript types (`paths`, `components`, `operations`) for an OpenAPI document. */
export async function renderTypes(document: unknown): Promise<string> {
  // Given as an object (not a path), openapi-typescript reads no file and fetches nothing.
  return HEADER + astToString(await openapiTS(structuredClone(document) as OpenAPI3));
}
