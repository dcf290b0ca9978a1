import WebSocket from 'ws';

/** A distinct address per simulated phone (10.100.0.1, 10.100.0.2, …), as a proxy would forward it. */
export function callerAddress(index: number): string {
  return `10.${100 + Math.floor(index / 62_500)}.${Math.floor(index / 250) % 250}.${(index % 250) + 1}`;
}

/**
 * A simulated phone: opens its link on `url` from its own address (X-Forwarded-For, which the
 * server trusts from loopback), connects the caller WebSocket and consents.
 */
export async function connectCaller(url: string, link: string, index: number): Promise<WebSocket> {
  const ip = callerAddress(index);
  const token = link.split('/j/')[1]!;
  const res = await fetch(`${url}/api/join/open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ token }),
  });
  if (!res.ok) throw new Error(`open failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('sl_caller='))!
    .split(';')[0]!;
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/caller`, {
    headers: { cookie, 'x-forwarded-for': ip },
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { type: string };
      if (m.type === 'welcome') ws.send(JSON.stringify({ type: 'consent', decision: 'accepted' }));
      if (m.type === 'consent.recorded') resolve();
    });
  });
  return ws;
}

/** One fix as the caller page sends it, stamped now. */
export function fixMessage(index: number): { text: string; fixTime: number } {
  const fixTime = Date.now();
  const text = JSON.stringify({
    type: 'location.fix',
    fix: {
      lat: 51.5 + index * 1e-5,
      lon: -0.12 + Math.random() * 1e-4,
      accuracy: 5,
      altitude: null,
      altitudeAccuracy: null,
      heading: null,
      speed: null,
      fixTime,
    },
  });
  return { text, fixTime };
}
