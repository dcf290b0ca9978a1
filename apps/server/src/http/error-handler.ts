import type { ApiError, ErrorCode } from '@sightline/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { DomainError } from '../lib/errors.js';

/** The one place domain error codes become HTTP statuses. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  bad_message: 400,
  message_too_large: 413,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  link_unavailable: 404,
  invalid_phone_number: 422,
  consent_required: 409,
  already_decided: 409,
  consent_text_unknown: 422,
  not_publishing: 409,
  unknown_view: 404,
  session_not_live: 409,
  session_ended: 409,
  media_unavailable: 503,
  rate_limited: 429,
  invite_limit_number: 429,
  invite_limit_officer: 429,
  conflict: 409,
  damaged_in_transit: 422,
  storage_unavailable: 507,
  turn_not_configured: 409,
  share_ended: 410,
  webhook_url_refused: 422,
  client_pending_approval: 403,
  link_not_yet_open: 403,
  interpreter_needs_video: 409,
  internal: 500,
};

const body = (code: ErrorCode, message: string, fields?: Record<string, string>): ApiError => ({
  error: { code, message, ...(fields ? { fields } : {}) },
});

/** Maps every thrown error to a JSON body with a stable code; 5xx details stay in the log. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof DomainError) {
      return reply.status(HTTP_STATUS[err.code]).send(body(err.code, err.message, err.fields));
    }
    if (err instanceof ZodError) {
      const issue = err.issues[0];
      return reply
        .status(400)
        .send(body('bad_request', `${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const fields: Record<string, string> = {};
      for (const v of err.validation) {
        const key = v.instancePath.replace(/^\//, '').replace(/\//g, '.') || '_';
        fields[key] ??= v.message ?? 'invalid';
      }
      const first = Object.entries(fields)[0];
      return reply
        .status(400)
        .send(body('bad_request', first ? `${first[0]}: ${first[1]}` : 'invalid request', fields));
    }
    if (err.statusCode === 429)
      return reply.status(429).send(body('rate_limited', 'too many requests; wait a minute and try again'));
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply.status(413).send(body('message_too_large', 'request body too large'));
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.status(err.statusCode).send(body('bad_request', err.message));
    }
    request.log.error({ err }, 'request failed');
    return reply.status(500).send(body('internal', 'something went wrong on the server'));
  });
}
