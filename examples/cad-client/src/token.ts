import type { SightlineClient } from './client.js';

export interface ClientCredentials {
  /** The client id an admin was shown with the key (Admin → API clients). */
  clientId: string;
  /** The client's API key, used as the OAuth client secret. */
  clientSecret: string;
  /** Ask for fewer scopes than the client holds (space-separated); all of them when absent. */
  scope?: string;
}

/**
 * An access token by OAuth 2 client credentials (RFC 6749 §4.4), client_secret_basic. Tokens last
 * `expires_in` seconds (10 minutes): fetch a new one when a call answers 401.
 */
export async function getAccessToken(sightline: SightlineClient, credentials: ClientCredentials) {
  const basic = Buffer.from(
    `${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`,
  ).toString('base64');
  const { data, error, response } = await sightline.POST('/api/v1/oauth/token', {
    body: {
      grant_type: 'client_credentials',
      ...(credentials.scope ? { scope: credentials.scope } : {}),
    },
    // The token endpoint takes a form, as RFC 6749 says, not JSON.
    bodySerializer: (body) => new URLSearchParams(body as Record<string, string>).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
  });
  if (!data) throw new Error(`token refused (${response.status}): ${JSON.stringify(error)}`);
  return data;
}
