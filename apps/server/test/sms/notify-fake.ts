import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { type Behaviour, json, listen } from './http-fake.js';

/**
 * A local stand-in for GOV.UK Notify's API, speaking its documented wire format
 * (docs.notifications.service.gov.uk/rest-api): every request must carry a JWT bearer token
 * signed HS256 with the API key's secret, whose `iss` is the service id and whose `iat` is
 * within 30 seconds; POST /v2/notifications/sms takes { phone_number, template_id,
 * personalisation, reference }; GET /v2/notifications/{id} returns the notification; delivery
 * receipts are POSTed to the service's callback URL with its bearer token.
 */
export interface NotifyText {
  id: string;
  phone: string;
  body: string;
  reference: string | null;
  status: string;
}

export const NOTIFY_SERVICE_ID = '26785a09-ab16-4eb0-8407-a37497a57506';
export const NOTIFY_SECRET = '3d844edf-8d35-48ac-975b-e847b4f122b0';
export const NOTIFY_API_KEY = `sightline_test-${NOTIFY_SERVICE_ID}-${NOTIFY_SECRET}`;
export const NOTIFY_TEMPLATE_ID = 'f33517ff-2a88-4f6e-b855-c550268ce08a';

export async function startNotifyFake() {
  const texts: NotifyText[] = [];
  const behaviour = new Map<string, Behaviour>();
  let callback: { url: string; token: string } | null = null;
  const refusedAuth: string[] = [];

  const http = await listen(async (req, body, res) => {
    const why = checkToken(req.headers.authorization);
    if (why) {
      refusedAuth.push(why);
      return json(res, 403, { status_code: 403, errors: [{ error: 'AuthError', message: why }] });
    }
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/v2/notifications/sms') {
      const b = JSON.parse(body) as {
        phone_number?: string;
        template_id?: string;
        personalisation?: { body?: string };
        reference?: string;
      };
      if (b.template_id !== NOTIFY_TEMPLATE_ID)
        return json(res, 400, {
          status_code: 400,
          errors: [{ error: 'BadRequestError', message: 'Template not found' }],
        });
      const phone = b.phone_number ?? '';
      const what = behaviour.get(phone) ?? 'accept';
      if (what === 'hang') return; // never answered: the client's timeout decides
      if (what === 'refuse')
        return json(res, 400, {
          status_code: 400,
          errors: [
            { error: 'BadRequestError', message: "Can't send to this recipient using a team-only API key" },
          ],
        });
      const text: NotifyText = {
        id: randomUUID(),
        phone,
        body: b.personalisation?.body ?? '',
        reference: b.reference ?? null,
        status: 'created',
      };
      texts.push(text);
      if (what === 'late') await new Promise((r) => setTimeout(r, 3000));
      return json(res, 201, {
        id: text.id,
        reference: text.reference,
        content: { body: text.body, from_number: 'GOVUK' },
        uri: `${http.url}/v2/notifications/${text.id}`,
        template: {
          id: NOTIFY_TEMPLATE_ID,
          version: 1,
          uri: `${http.url}/v2/template/${NOTIFY_TEMPLATE_ID}`,
        },
      });
    }
    const one = /^\/v2\/notifications\/([0-9a-f-]{36})$/.exec(url.pathname);
    if (req.method === 'GET' && one) {
      const text = texts.find((t) => t.id === one[1]);
      if (!text)
        return json(res, 404, {
          status_code: 404,
          errors: [{ error: 'NoResultFound', message: 'No result found' }],
        });
      return json(res, 200, {
        id: text.id,
        reference: text.reference,
        phone_number: text.phone,
        type: 'sms',
        status: text.status,
        body: text.body,
        created_at: new Date().toISOString(),
      });
    }
    json(res, 404, { status_code: 404, errors: [{ error: 'NotFound', message: 'not found' }] });
  });

  return {
    url: http.url,
    texts,
    /** Why the fake refused requests' tokens (empty when every request was signed correctly). */
    refusedAuth,
    behave(phone: string, what: Behaviour) {
      behaviour.set(phone, what);
    },
    /** Where receipts go, as a service's callback settings in Notify. */
    callbackTo(url: string, token: string) {
      callback = { url, token };
    },
    /** Notify's status changes; with a callback set, POSTs the receipt as Notify does. */
    async setStatus(id: string, status: string, token?: string): Promise<number | null> {
      const text = texts.find((t) => t.id === id);
      if (!text) throw new Error(`no notification ${id}`);
      text.status = status;
      if (!callback) return null;
      const now = new Date().toISOString();
      const res = await fetch(callback.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? callback.token}` },
        body: JSON.stringify({
          id,
          reference: text.reference,
          to: text.phone,
          status,
          created_at: now,
          completed_at: now,
          sent_at: now,
          notification_type: 'sms',
        }),
      });
      return res.status;
    },
    close: http.close,
  };
}

/** Notify's check of the client's JWT; null if good, else why not. */
function checkToken(header: string | undefined): string | null {
  const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  if (!token) return 'Unauthorized: authentication token must be provided';
  const [h, p, sig] = token.split('.');
  if (!h || !p || !sig) return 'Invalid token: not a JWT';
  const head = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string; typ?: string };
  if (head.alg !== 'HS256') return 'Invalid token: algorithm used is not HS256';
  const expected = createHmac('sha256', NOTIFY_SECRET).update(`${h}.${p}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return 'Invalid token: signature, api token not found';
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { iss?: string; iat?: number };
  if (claims.iss !== NOTIFY_SERVICE_ID) return 'Invalid token: service not found';
  if (typeof claims.iat !== 'number' || Math.abs(Date.now() / 1000 - claims.iat) > 30)
    return 'Error: Your system clock must be accurate to within 30 seconds';
  return null;
}
