// `npm start -w examples/cad-client -- https://sightline.example`: checks that Sightline is ready.
// The skeleton of a CAD integration: the invite and webhook steps follow once /api/v1 is in place.
import { createSightlineClient } from './client.js';

const baseUrl = process.argv[2] ?? process.env.SIGHTLINE_URL ?? 'http://localhost:8080';
const client = createSightlineClient({ baseUrl });
const { data, error, response } = await client.GET('/readyz');
if (!data) {
  console.error(`Sightline at ${baseUrl} is not ready (${response.status}):`, error?.failing ?? error);
  process.exit(1);
}
console.error(`Sightline at ${baseUrl} is ready: ${Object.keys(data.checks).join(', ')} answered`);
