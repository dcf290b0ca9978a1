import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';

/** Security headers for every response. */
export async function installSecurityHeaders(app: FastifyInstance, config: Config): Promise<void> {
  const tileOrigin = config.map.tileUrl ? originOf(config.map.tileUrl) : null;
  const wsOrigin = `${config.publicUrl.protocol === 'https:' ? 'wss' : 'ws'}://${config.publicUrl.host}`;
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...(tileOrigin ? [tileOrigin] : [])],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", wsOrigin],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // The caller's link carries a secret: never send it to anyone in a Referer.
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: config.http.tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header(
      'permissions-policy',
      'camera=(self), microphone=(self), geolocation=(self), payment=(), usb=()',
    );
  });
}

function originOf(template: string): string | null {
  try {
    // Tile templates hold {s} {z} {x} {y}; the origin is all CSP needs.
    const url = new URL(template.replace(/\{s\}/g, 'a').replace(/\{[a-z]\}/g, '0'));
    return template.includes('{s}')
      ? `${url.protocol}//*.${url.host.split('.').slice(1).join('.')}`
      : url.origin;
  } catch {
    return null;
  }
}
