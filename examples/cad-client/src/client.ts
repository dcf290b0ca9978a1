import createClient, { type ClientOptions } from 'openapi-fetch';
import type { paths } from './api.js';

export interface SightlineClientOptions {
  /** Where Sightline runs, e.g. https://sightline.force.example (no path). */
  baseUrl: string;
  /** Credentials for the machine API, sent on every request (see docs/integration.md). */
  headers?: Record<string, string>;
  /** A fetch to use instead of the global one (tests, proxies). */
  fetch?: ClientOptions['fetch'];
}

/**
 * A client typed from Sightline's public OpenAPI document: paths, parameters, bodies and answers
 * are checked by the compiler, so a CAD integration breaks at build time when the API changes.
 */
export function createSightlineClient(options: SightlineClientOptions) {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

export type SightlineClient = ReturnType<typeof createSightlineClient>;
