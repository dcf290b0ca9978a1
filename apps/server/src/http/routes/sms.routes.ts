import { createHash, timingSafeEqual } from 'node:crypto';
import {
  IDEMPOTENCY_HEADER,
  IdempotencyKey,
  ResendTextRequest,
  SessionSummary,
  TextDelivery,
  TextList,
} from '@sightline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notifyStatus } from '../../adapters/sms/notify-gateway.js';
import { TwilioGateway } from '../../adapters/sms/twilio-gateway.js';
import type { Container } from '../../container.js';
import { forbidden, notFound } from '../../lib/errors.js';
import { officerActor, sessionRead } from '../auth-hooks.js';

const Params = z.object({ id: z.string().uuid() });
const KeyHeader = z.object({ [IDEMPOTENCY_HEADER]: IdempotencyKey.optional() });
// Providers call these from their own addresses, at their own pace: generous, but bounded.
const CALLBACK_RATE = { max: 600, timeWindow: '1 minute' };
/** Notify's callback body (docs: "Callbacks", delivery receipts); more fields may come. */
const NotifyCallback = z.looseObject({
  id: z.string().min(1).max(64),
  reference: z.string().max(256).nullish(),
  status: z.string().min(1).max(40),
});
/** Twilio posts form fields; only the ones used are named, all are signed. */
const TwilioCallback = z.record(z.string().max(64), z.string().max(2000));

/** Texts of a session (list, resend) and the providers' status callbacks. */
export const smsRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    // Twilio's callbacks are form-encoded; only this plugin's routes accept that.
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 16_384 },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );

    app.get(
      '/api/sessions/:id/texts',
      {
        schema: { params: Params, response: { 200: TextList } },
        config: { auth: { officer: true, permission: 'session:read' } },
      },
      async (request) => {
        await c.sessions.get(request.params.id);
        await c.reads.record(sessionRead(request, request.params.id, 'texts.read'));
        return c.deliveries.list(request.params.id);
      },
    );

    app.post(
      '/api/sessions/:id/texts',
      {
        schema: {
          params: Params,
          headers: KeyHeader,
          body: ResendTextRequest,
          response: { 201: z.object({ session: SessionSummary, text: TextDelivery }) },
        },
        config: { auth: { officer: true, permission: 'session:create' } },
      },
      async (request, reply) => {
        const result = await c.invites.resend(
          request.params.id,
          request.body.route,
          officerActor(request),
          request.ip,
          request.headers[IDEMPOTENCY_HEADER] ?? null,
        );
        return reply.status(201).send(result);
      },
    );

    app.post(
      '/api/sms/notify/status',
      {
        schema: { body: NotifyCallback, response: { 204: z.null() } },
        config: { auth: { public: true }, rateLimit: CALLBACK_RATE },
      },
      async (request, reply) => {
        const token = c.config.smsGateways.notify?.callbackToken;
        if (!token) throw notFound('callback');
        const sent = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
        if (!sameSecret(sent, token)) await refuse(c, 'notify', request.ip);
        const mapped = notifyStatus(request.body.status);
        if (mapped)
          await c.deliveries.report({
            gateway: 'notify',
            providerRef: request.body.id,
            // Ours, given back: finds a text whose send timed out before Notify's answer came.
            reference: request.body.reference ?? null,
            ...mapped,
            at: c.clock.now(),
          });
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/sms/twilio/status',
      {
        schema: { body: TwilioCallback, response: { 204: z.null() } },
        config: { auth: { public: true }, rateLimit: CALLBACK_RATE },
      },
      async (request, reply) => {
        const twilio = c.deliveries.gatewayNamed('twilio');
        if (!(twilio instanceof TwilioGateway)) throw notFound('callback');
        const signature = request.headers['x-twilio-signature'];
        if (!twilio.verify(typeof signature === 'string' ? signature : undefined, request.body))
          await refuse(c, 'twilio', request.ip);
        const report = twilio.report(request.body);
        if (report) await c.deliveries.report(report);
        return reply.status(204).send(null);
      },
    );
  };

/** A callback without the provider's proof is a security event: audited, then 403. */
async function refuse(c: Container, gateway: string, ip: string): Promise<never> {
  await c.audit.record({
    actor: { type: 'system' },
    action: 'sms.callback_refused',
    detail: { gateway, reason: 'bad or missing signature' },
    ip,
  });
  throw forbidden('callback signature not valid');
}

/** Compares digests, so neither the token's content nor its length shows in the time taken. */
function sameSecret(a: string, b: string): boolean {
  const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
