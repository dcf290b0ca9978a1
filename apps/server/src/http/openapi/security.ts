import { API_SCOPES, type ApiScope } from '@sightline/protocol';
import type { RouteAuth } from '../auth-hooks.js';

/** The token endpoint of the OAuth 2 client-credentials flow (api-v1.routes.ts). */
export const TOKEN_URL = '/api/v1/oauth/token';

/** Names of the two schemes in `components.securitySchemes`; operations refer to them. */
export const BEARER_SCHEME = 'bearer';
export const OAUTH_SCHEME = 'oauth2';

/**
 * How a machine client authenticates (docs/api.md): an API key or an access token as a bearer
 * credential, or the client-credentials flow that issues the token. Scopes and their descriptions
 * come from packages/protocol, the list the server checks against.
 */
export const SECURITY_SCHEMES = {
  [BEARER_SCHEME]: {
    type: 'http',
    scheme: 'bearer',
    description:
      '`Authorization: Bearer <credential>`: an API key (`sl_…`, shown once when an admin creates the ' +
      'client) or an access token from the token endpoint. Either carries the client’s scopes.',
  },
  [OAUTH_SCHEME]: {
    type: 'oauth2',
    description:
      'OAuth 2 client credentials (RFC 6749 §4.4): the client id and its API key as the client secret. ' +
      'Tokens last 10 minutes; `scope` may ask for fewer scopes than the client holds.',
    flows: { clientCredentials: { tokenUrl: TOKEN_URL, scopes: { ...API_SCOPES } } },
  },
} as const;

/** What an operation requires: either scheme, holding the scope; nothing for any other kind of route. */
export function operationSecurity(
  auth: RouteAuth | undefined,
): Array<Record<string, ApiScope[]>> | undefined {
  if (!auth || !('client' in auth)) return undefined;
  return [{ [BEARER_SCHEME]: [auth.scope] }, { [OAUTH_SCHEME]: [auth.scope] }];
}
