// The example CAD integration, end to end (README.md):
//   npm start -w examples/cad-client -- run --phone "07700 900123" --call-handler jsmith --reference "CAD 42/30NOV"
// gets an access token, listens for webhooks, texts the caller a link, prints each verified event
// as a JSON line, and once the `--until` event arrives reads the session and exits.
// `ready` (the default) only checks that Sightline answers its readiness probe.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createSightlineClient } from './client.js';
import { getAccessToken } from './token.js';
import { startWebhookReceiver, type WebhookEvent } from './webhook-receiver.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string', default: process.env.SIGHTLINE_URL ?? 'http://localhost:8080' },
    'client-id': { type: 'string', default: process.env.SIGHTLINE_CLIENT_ID },
    'client-secret': { type: 'string', default: process.env.SIGHTLINE_CLIENT_SECRET },
    'webhook-secret': { type: 'string', default: process.env.SIGHTLINE_WEBHOOK_SECRET },
    'listen-port': { type: 'string', default: process.env.WEBHOOK_PORT ?? '8787' },
    'listen-host': { type: 'string', default: process.env.WEBHOOK_HOST ?? '127.0.0.1' },
    phone: { type: 'string' },
    'call-handler': { type: 'string' },
    reference: { type: 'string' },
    'idempotency-key': { type: 'string' },
    until: { type: 'string', default: 'session.ended' },
  },
});

/** One JSON line per step on stdout, for a person or a program reading it. */
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

function required(name: keyof typeof values): string {
  const value = values[name];
  if (typeof value !== 'string' || !value) {
    console.error(`missing --${name} (see examples/cad-client/README.md)`);
    process.exit(2);
  }
  return value;
}

const baseUrl = values.url;
const command = positionals[0] ?? 'ready';

if (command === 'ready') {
  const { data, error, response } = await createSightlineClient({ baseUrl }).GET('/readyz');
  if (!data) {
    console.error(`Sightline at ${baseUrl} is not ready (${response.status}):`, error?.failing ?? error);
    process.exit(1);
  }
  console.error(`Sightline at ${baseUrl} is ready: ${Object.keys(data.checks).join(', ')} answered`);
} else if (command === 'run') {
  await run();
} else {
  console.error(`unknown command ${command}: use "ready" or "run"`);
  process.exit(2);
}

async function run(): Promise<void> {
  // (a) An access token by client credentials.
  const token = await getAccessToken(createSightlineClient({ baseUrl }), {
    clientId: required('client-id'),
    clientSecret: required('client-secret'),
  });
  const sightline = createSightlineClient({
    baseUrl,
    headers: { authorization: `Bearer ${token.access_token}` },
  });

  // (c) The receiver first, so no event of the new session is missed.
  let sessionId: string | null = null;
  let finish: () => void = () => {};
  const done = new Promise<void>((r) => {
    finish = r;
  });
  const receiver = await startWebhookReceiver({
    port: Number(values['listen-port']),
    host: values['listen-host'],
    secrets: [required('webhook-secret')],
    onEvent: (event: WebhookEvent) => {
      say({ webhook: event });
      if (event.sessionId === sessionId && event.type === values.until) finish();
    },
    onRefused: (reason) => say({ refused: reason }),
  });
  say({ listening: receiver.url, scope: token.scope });

  // (b) The invite, with an Idempotency-Key: a retry after a timeout sends no second text.
  const invited = await sightline.POST('/api/v1/invites', {
    body: {
      phone: required('phone'),
      callHandler: required('call-handler'),
      ...(values.reference ? { reference: values.reference } : {}),
    },
    headers: { 'idempotency-key': values['idempotency-key'] ?? randomUUID() },
  });
  if (!invited.data) {
    await receiver.close();
    throw new Error(`invite refused (${invited.response.status}): ${JSON.stringify(invited.error)}`);
  }
  sessionId = invited.data.session.id;
  say({ invited: invited.data.session });

  // (d) Once the awaited event arrives, the session as the API reports it.
  await done;
  const read = await sightline.GET('/api/v1/sessions/{id}', { params: { path: { id: sessionId } } });
  await receiver.close();
  if (!read.data)
    throw new Error(`session read refused (${read.response.status}): ${JSON.stringify(read.error)}`);
  say({ session: read.data.session, evidence: read.data.evidence });
}
