import { TurnCheckGrant, TurnSettings } from '@sightline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Container } from '../../container.js';
import { TurnCheck } from '../../ice/turn-check.js';
import { officerActor } from '../auth-hooks.js';

const turnCheck = { auth: { officer: true as const, permission: 'turn:check' as const } };

/** The TURN settings page: what is configured (never the secret), and a credential for "test from this browser". */
export const turnRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    const check = new TurnCheck(c.ice, c.audit);

    app.get('/api/turn', { schema: { response: { 200: TurnSettings } }, config: turnCheck }, async () =>
      c.ice.describe(),
    );

    app.post(
      '/api/turn/check',
      {
        schema: { response: { 200: TurnCheckGrant } },
        // Each call mints a credential: a few a minute is plenty for a person pressing a button.
        config: { ...turnCheck, rateLimit: { max: 10, timeWindow: '1 minute' } },
      },
      async (request) => check.issue(officerActor(request), request.ip),
    );
  };
