import type { FastifyPluginAsync } from 'fastify';
import type { Container } from '../../container.js';
import { assertSameOrigin } from '../auth-hooks.js';

/** WebSocket endpoints. Authentication runs in the onRequest hook, before the upgrade. */
export const wsRoutes =
  (c: Container): FastifyPluginAsync =>
  async (app) => {
    app.get(
      '/ws/caller',
      {
        websocket: true,
        config: { auth: { caller: true }, rateLimit: { max: 30, timeWindow: '1 minute' } },
        preValidation: async (request) => assertSameOrigin(request),
      },
      (socket, request) => {
        void c.callers.accept(socket, request.callerSessionId!, request.ip).catch((err: unknown) => {
          request.log.error({ err }, 'caller socket setup failed');
          socket.close(1011, 'server error');
        });
      },
    );

    app.get(
      '/ws/console',
      {
        websocket: true,
        config: { auth: { officer: true } },
        preValidation: async (request) => assertSameOrigin(request),
      },
      (socket, request) => c.consoles.accept(socket, request.officer!, request.ip),
    );
  };
