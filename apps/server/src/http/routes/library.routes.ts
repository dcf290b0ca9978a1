import {
  CreateNoteRequest,
  LibraryList,
  LibraryQuery,
  LibrarySession,
  Note,
  NoteList,
  SarQuery,
} from '@sightline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { officerActor, sessionRead } from '../auth-hooks.js';

const Params = z.object({ id: z.string().uuid() });

/** The evidence library, notes and bookmarks, and subject-access search. */
export const libraryRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/library/sessions',
      {
        schema: { querystring: LibraryQuery, response: { 200: LibraryList } },
        config: { auth: { officer: true, permission: 'evidence:read' } },
      },
      async (request) => ({
        sessions: await c.library.search(request.query, officerActor(request), request.ip),
      }),
    );
    app.get(
      '/api/library/sessions/:id',
      {
        schema: { params: Params, response: { 200: LibrarySession } },
        config: { auth: { officer: true, permission: 'evidence:read' } },
      },
      async (request) => {
        const session = await c.library.one(request.params.id);
        await c.reads.record(sessionRead(request, request.params.id, 'library.read'));
        return session;
      },
    );
    app.get(
      '/api/sessions/:id/notes',
      {
        schema: { params: Params, response: { 200: NoteList } },
        config: { auth: { officer: true, permission: 'evidence:read' } },
      },
      async (request) => {
        const notes = await c.library.notes(request.params.id);
        await c.reads.record(sessionRead(request, request.params.id, 'notes.read'));
        return { notes };
      },
    );
    app.post(
      '/api/sessions/:id/notes',
      {
        schema: { params: Params, body: CreateNoteRequest, response: { 201: Note } },
        config: { auth: { officer: true, permission: 'evidence:annotate' } },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await c.library.addNote(request.params.id, officerActor(request), request.body, request.ip)),
    );
    app.get(
      '/api/sar/sessions',
      {
        schema: { querystring: SarQuery, response: { 200: LibraryList } },
        config: { auth: { officer: true, permission: 'sar:search' } },
      },
      async (request) => ({
        sessions: await c.library.subjectAccess(request.query, officerActor(request), request.ip),
      }),
    );
  };
