import type { ErrorCode } from '@sightline/protocol';

/**
 * A failure the client can act on. Carries a stable code and a message safe to
 * show; knows nothing about HTTP (http/error-handler.ts maps codes to statuses).
 */
export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new DomainError('not_found', `${what} not found`);
export const forbidden = (message = 'your role does not allow this') => new DomainError('forbidden', message);
