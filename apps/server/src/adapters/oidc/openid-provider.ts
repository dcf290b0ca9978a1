import * as client from 'openid-client';
import type { OidcConfig } from '../../config/sign-in-config.js';
import type { Clock } from '../clock.js';

/** What the sign-in service needs from an OpenID provider; the one side effect of SSO. */
export interface IdentityProvider {
  /** Where to send the browser: authorization code flow with PKCE (S256), state and nonce. */
  authorizationUrl(checks: { state: string; nonce: string; codeVerifier: string }): Promise<URL>;
  /**
   * Redeems the code in the callback URL and validates the ID token: signature (the provider's
   * JWKS), iss, aud, exp/iat, nonce, and the state; throws on any mismatch.
   */
  redeem(
    callbackUrl: URL,
    checks: { state: string; nonce: string; codeVerifier: string },
  ): Promise<{ claims: Record<string, unknown>; idToken: string }>;
  /** The provider's end_session_endpoint (RP-initiated logout), or null if it has none. */
  endSessionUrl(idToken: string | null): Promise<URL | null>;
}

/** openid-client v6 against a discovered issuer. Discovery happens on first use and is retried after a failure. */
export class OpenIdProvider implements IdentityProvider {
  #metadata: Promise<client.ServerMetadata> | null = null;
  /** The provider's signing keys, kept between uses (openid-client refetches on an unknown kid). */
  #jwks: ReturnType<typeof client.getJwksCache>;

  constructor(
    private readonly config: OidcConfig,
    /** The server's clock; a clock moved in tests moves the ID token's expiry check with it. */
    private readonly clock: Clock,
  ) {}

  async authorizationUrl(checks: { state: string; nonce: string; codeVerifier: string }): Promise<URL> {
    const c = await this.configuration();
    return client.buildAuthorizationUrl(c, {
      redirect_uri: this.config.redirectUri,
      scope: this.config.scopes,
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  async redeem(callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }) {
    const c = await this.configuration();
    const tokens = await client.authorizationCodeGrant(c, callbackUrl, {
      pkceCodeVerifier: checks.codeVerifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    this.#jwks = client.getJwksCache(c) ?? this.#jwks;
    const claims = tokens.claims();
    if (!claims || !tokens.id_token) throw new Error('the provider returned no ID token');
    return { claims: claims as Record<string, unknown>, idToken: tokens.id_token };
  }

  async endSessionUrl(idToken: string | null): Promise<URL | null> {
    const c = await this.configuration();
    if (!c.serverMetadata().end_session_endpoint) return null;
    return client.buildEndSessionUrl(c, {
      post_logout_redirect_uri: this.config.postLogoutRedirectUri,
      ...(idToken ? { id_token_hint: idToken } : {}),
    });
  }

  /** A configuration per use, so the clock skew is today's. */
  private async configuration(): Promise<client.Configuration> {
    this.#metadata ??= this.discover();
    let metadata: client.ServerMetadata;
    try {
      metadata = await this.#metadata;
    } catch (err) {
      this.#metadata = null; // the provider may be back next time
      throw err;
    }
    const c = new client.Configuration(
      metadata,
      this.config.clientId,
      { [client.clockSkew]: Math.round((this.clock.now() - Date.now()) / 1000) },
      client.ClientSecretBasic(this.config.clientSecret),
    );
    if (this.config.issuer.protocol === 'http:') client.allowInsecureRequests(c);
    // Verify the ID token's signature against the provider's JWKS too. OIDC lets a client skip
    // it for a token fetched straight from the token endpoint over TLS, but a signed token is the
    // only proof that survives a mis-issued certificate or an intercepting proxy.
    client.enableNonRepudiationChecks(c);
    if (this.#jwks) client.setJwksCache(c, this.#jwks);
    return c;
  }

  private async discover(): Promise<client.ServerMetadata> {
    const insecure = this.config.issuer.protocol === 'http:';
    const c = await client.discovery(
      this.config.issuer,
      this.config.clientId,
      undefined,
      client.ClientSecretBasic(this.config.clientSecret),
      // Plain http only for a provider on this machine (config refuses it elsewhere): tests.
      insecure ? { execute: [client.allowInsecureRequests], timeout: 10 } : { timeout: 10 },
    );
    return c.serverMetadata();
  }
}
