import type { TLSSocket } from 'node:tls';
import { AmlAccepted, AmlQuarantineList } from '@sightline/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Container } from '../container.js';
import { officerActor, timingSafeEqual } from '../http/auth-hooks.js';
import { DomainError } from '../lib/errors.js';

/** AML messages are a few hundred bytes (an SMS is at most 160 characters); anything far larger is not one. */
export const AML_MAX_BYTES = 8 * 1024;
/** Who relayed an SMS-borne message names its sender here (the SMS text carries no number). */
export const ORIGINATOR_HEADER = 'x-aml-originator';

type AmlSettings = NonNullable<Container['config']['aml']>;

/**
 * Network location (AML) intake and its quarantine (docs/aml.md). POST /api/aml exists only
 * when a secret or a client CA is configured (404 otherwise, like /metrics).
 */
export const amlRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/aml/quarantine',
      {
        schema: { response: { 200: AmlQuarantineList } },
        config: { auth: { officer: true, permission: 'aml:quarantine' } },
      },
      async (request) => ({ items: await c.aml.quarantined(officerActor(request), request.ip) }),
    );
    const settings = c.config.aml;
    if (!settings) return;
    await app.register(async (intake) => {
      // The message is evidence as sent: the bytes are kept exactly, whatever the content type says.
      intake.removeAllContentTypeParsers();
      intake.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: AML_MAX_BYTES }, (_r, body, done) =>
        done(null, body),
      );
      intake.post(
        '/api/aml',
        {
          bodyLimit: AML_MAX_BYTES,
          schema: { response: { 200: AmlAccepted } },
          config: {
            auth: { machine: 'aml' as const },
            rateLimit: { max: settings.ratePerMinute, timeWindow: '1 minute' },
          },
          preParsing: async (request, _reply, payload) => {
            authenticateSender(request, settings);
            return payload;
          },
        },
        async (request) => {
          const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          const originator = request.headers[ORIGINATOR_HEADER];
          return c.aml.receive(body, {
            originator: typeof originator === 'string' ? originator : null,
            ip: request.ip,
          });
        },
      );
    });
  };

/** Every configured check must pass: the client certificate chains to the AML CA, the secret matches. */
function authenticateSender(request: FastifyRequest, settings: AmlSettings): void {
  if (settings.clientCa !== null) {
    const socket = request.raw.socket as Partial<TLSSocket>;
    const cert = socket.getPeerCertificate?.();
    if (socket.authorized !== true || !cert || Object.keys(cert).length === 0)
      throw new DomainError(
        'unauthenticated',
        'present a client certificate issued by the configured AML CA',
      );
  }
  if (settings.secret !== null) {
    const sent = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (sent === undefined || !timingSafeEqual(sent, settings.secret))
      throw new DomainError('unauthenticated', 'send the AML secret as Authorization: Bearer <secret>');
  }
}
