import { createServer, type Server } from 'node:http';
import type { NodeStatus } from './node-heartbeat.js';

/**
 * GET /healthz on the media node: 200 while its Janus is up, 503 while it is not, with the
 * node's load as JSON, for a load balancer, a monitoring system or an operator with curl.
 * Nothing else is served.
 */
export async function startHealthServer(
  host: string,
  port: number,
  status: () => NodeStatus,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/healthz') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not found"}');
      return;
    }
    const s = status();
    res.writeHead(s.janus === 'up' ? 200 : 503, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
    });
    res.end(JSON.stringify(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  return {
    server,
    port: addr && typeof addr === 'object' ? addr.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
