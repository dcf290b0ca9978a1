import type { SessionDetail, TextDelivery, TextList } from '@sightline/protocol';
import type { OfficerClient } from '../harness.js';

let seq = 0;
/** A fresh idempotency key, as the console makes one per press of Send. */
export const newKey = () => `press-${Date.now().toString(36)}-${(++seq).toString().padStart(6, '0')}`;

/** Presses Send for a number, with a key. */
export async function sendLink(officer: OfficerClient, phone: string, key = newKey()) {
  const res = await officer.request(
    'POST',
    '/api/sessions',
    { phone, reference: 'CAD 10/30NOV' },
    { 'idempotency-key': key },
  );
  const body = (await res.json()) as {
    session: SessionDetail['session'];
    link: string;
    error?: { code: string; message: string };
  };
  return { status: res.status, key, ...body };
}

export async function resend(
  officer: OfficerClient,
  sessionId: string,
  route: 'primary' | 'fallback',
  key = newKey(),
) {
  const res = await officer.request(
    'POST',
    `/api/sessions/${sessionId}/texts`,
    { route },
    { 'idempotency-key': key },
  );
  const body = (await res.json()) as { text: TextDelivery; error?: { code: string; message: string } };
  return { status: res.status, ...body };
}

export async function texts(officer: OfficerClient, sessionId: string): Promise<TextList> {
  const res = await officer.request('GET', `/api/sessions/${sessionId}/texts`);
  if (res.status !== 200) throw new Error(`texts: ${res.status} ${await res.text()}`);
  return (await res.json()) as TextList;
}

export async function detail(officer: OfficerClient, sessionId: string): Promise<SessionDetail> {
  return (await (await officer.request('GET', `/api/sessions/${sessionId}`)).json()) as SessionDetail;
}

/** What the console shows for a session's newest text, once `ok` holds (within 5 s). */
export async function shownText(
  officer: OfficerClient,
  sessionId: string,
  ok: (t: TextDelivery) => boolean,
): Promise<TextDelivery> {
  const until = Date.now() + 5000;
  for (;;) {
    const t = (await detail(officer, sessionId)).session.text;
    if (t && ok(t)) return t;
    if (Date.now() > until) throw new Error(`text never matched: ${JSON.stringify(t)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
