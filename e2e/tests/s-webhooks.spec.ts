import { createServer, type Server } from 'node:http';
import { expect, test } from '@playwright/test';
import { officerApi } from '@sightline/testkit/officer';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { noViolations } from '../support/axe.js';
import { signInConsole } from '../support/pages.js';

// An admin connects a CAD system's webhook endpoint from the console, sees its secret once,
// watches a delivery the receiver refused end up in the dead letters, and sends it again.
// The receiver is a plain HTTP server on loopback, allowed by the two settings below.

let server: Sightline;
let receiver: Server;
let receiverUrl = '';
let failing = true;
const received: Array<{ status: number; body: string }> = [];

test.beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      const status = failing ? 503 : 204;
      received.push({ status, body });
      res.writeHead(status).end(failing ? 'CAD is down for maintenance' : undefined);
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const addr = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/sightline`;
  server = await startSightline({
    SIGHTLINE_WEBHOOK_ALLOW_HTTP: 'true',
    SIGHTLINE_WEBHOOK_ALLOW_PRIVATE: 'true',
    SIGHTLINE_WEBHOOK_MAX_ATTEMPTS: '1',
    SIGHTLINE_WEBHOOK_POLL_MS: '200',
  });
});
test.afterAll(async () => {
  await server?.stop();
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
});

test('an admin adds an endpoint, sees its secret once, and retries a dead letter', async ({ browser }) => {
  const admin = await signInConsole(browser, server.url, 'admin');
  const page = admin.page;
  await page.goto(`${server.url}/admin`);
  await page.getByRole('link', { name: 'Webhooks (CAD integration)' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();
  await expect(page.getByText('No endpoints yet.')).toBeVisible();
  await noViolations(page, 'console: webhooks, none yet');

  await page.getByLabel('URL').fill(receiverUrl);
  await page.getByLabel('Description').fill('Force CAD (test)');
  await page.getByLabel('Link opened').check();
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  const secret = page.getByTestId('webhook-secret');
  await expect(secret).toContainText(/whsec_[A-Za-z0-9_-]{40,}/);
  await expect(page.getByTestId('webhook-endpoint')).toContainText('Force CAD (test)');
  await noViolations(page, 'console: webhooks, secret shown once');
  await page.getByRole('button', { name: 'I have copied it' }).click();
  await expect(secret).toHaveCount(0);
  // Its creator cannot approve it: a second admin sees the host and events and approves it.
  await page.reload();
  await expect(page.getByTestId('webhook-approvals')).toContainText('One request of yours waits');
  await expect(page.getByTestId('integration-approval')).toHaveCount(0);
  const second = await signInConsole(browser, server.url, 'admin2');
  await second.page.goto(`${server.url}/admin`);
  await second.page.getByRole('link', { name: 'Webhooks (CAD integration)' }).click();
  const request = second.page.getByTestId('integration-approval');
  await expect(request).toContainText(`webhook to ${new URL(receiverUrl).host} (new): session.opened`);
  await noViolations(second.page, 'console: webhooks, waiting for a second admin');
  await request.getByLabel('Reason').fill('checked with the CAD team');
  await request.getByRole('button', { name: 'Approve' }).click();
  await expect(second.page.getByTestId('webhook-approvals')).toContainText('Approved: webhook to');
  await second.context.close();

  // A caller opens a link; the receiver refuses and, with one attempt allowed, it is a dead letter.
  const handler = await officerApi(server.url, 'handler');
  const { link } = await handler.request<{ link: string }>('POST', '/api/sessions', {
    phone: '07911 123456',
    reference: 'CAD 77/30NOV',
  });
  await fetch(`${server.url}/api/join/open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: link.split('/j/')[1] }),
  });
  const dead = page.getByTestId('webhook-dead');
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh deliveries' }).click();
    await expect(dead).toContainText('HTTP 503: CAD is down for maintenance', { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await noViolations(page, 'console: webhooks, a dead letter');

  failing = false;
  await dead.getByRole('button', { name: /^Retry/ }).click();
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh deliveries' }).click();
    await expect(dead).toContainText('No delivery has been given up.', { timeout: 1_000 });
    await expect(page.getByTestId('webhook-recent')).toContainText('Delivered after 1 attempt', {
      timeout: 1_000,
    });
  }).toPass({ timeout: 20_000 });
  const accepted = received.filter((r) => r.status === 204);
  expect(accepted).toHaveLength(1);
  expect(JSON.parse(accepted[0]!.body)).toMatchObject({ type: 'session.opened', reference: 'CAD 77/30NOV' });
  await admin.context.close();
});
