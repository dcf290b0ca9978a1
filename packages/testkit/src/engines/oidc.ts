/// <reference path="../types/oidc-provider.d.ts" />
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type OidcCtx } from 'oidc-provider';

/**
 * A real OpenID provider (panva's oidc-provider, the certified implementation) in this process,
 * on 127.0.0.1: discovery, a JWKS with its own RSA key, authorization code with PKCE required,
 * ID tokens with `groups` and `roles` claims (as Entra ID puts them there), RP-initiated logout.
 * Its sign-in page takes a username only (no password): tests are about the relying party.
 */
export interface OidcEngine {
  /** http://127.0.0.1:<port> */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Adds or changes an account (its groups, say) as the directory would. */
  setAccount(login: string, claims: AccountClaims): void;
  /** The subject (`sub`) the provider gives a login: a stable opaque id, as real providers do. */
  subjectOf(login: string): string;
  /** The next ID token's signature is damaged in the token response (a forged or tampered token). */
  tamperNextIdToken(): void;
  /** The settings that point a Sightline server (whose public URL is `publicUrl`) at this provider. */
  env(roleMap: Record<string, string[]>, o?: { roleClaim?: string; label?: string }): Record<string, string>;
  stop(): Promise<void>;
}

export interface AccountClaims {
  name?: string;
  email?: string;
  groups?: string[];
  roles?: string[];
  /** Entra ID's group overage: no `groups`, a pointer to Microsoft Graph instead. */
  overage?: boolean;
}

export async function startOidcProvider(o: {
  /** The relying party's public URL (the callback and sign-out return are derived from it). */
  publicUrl: string;
  accounts?: Record<string, AccountClaims>;
  /** ID token lifetime in seconds (default 600). */
  idTokenTtl?: number;
}): Promise<OidcEngine> {
  const server = createServer();
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'sightline';
  const clientSecret = `secret-${randomUUID()}`;
  const base = o.publicUrl.replace(/\/$/, '');
  const accounts = new Map<string, AccountClaims & { sub: string }>();
  const setAccount = (login: string, claims: AccountClaims) =>
    accounts.set(login, { ...claims, sub: accounts.get(login)?.sub ?? randomUUID() });
  for (const [login, claims] of Object.entries(o.accounts ?? {})) setAccount(login, claims);
  const bySub = (sub: string) => [...accounts.entries()].find(([, a]) => a.sub === sub);

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [`${base}/api/auth/oidc/callback`],
        post_logout_redirect_uris: [`${base}/login`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomUUID()] },
    pkce: { required: () => true },
    // Claims land in the ID token (Entra ID puts groups and roles there), not only in userinfo.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub', 'groups', 'roles', '_claim_names', '_claim_sources'],
      profile: ['name', 'preferred_username'],
      email: ['email'],
    },
    ttl: {
      IdToken: o.idTokenTtl ?? 600,
      AccessToken: 600,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    // Consent is the organisation's (admin consent in Entra ID): no consent page.
    loadExistingGrant: async (ctx: OidcCtx) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid profile email');
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx: unknown, sub: string) => {
      const found = bySub(sub);
      if (!found) return undefined;
      const [login, a] = found;
      return {
        accountId: sub,
        claims: async () => ({
          sub,
          name: a.name ?? login,
          preferred_username: login,
          email: a.email ?? `${login}@police.test`,
          ...(a.overage
            ? {
                _claim_names: { groups: 'src1' },
                _claim_sources: {
                  src1: { endpoint: 'https://graph.microsoft.com/v1.0/users/x/getMemberObjects' },
                },
              }
            : { groups: a.groups ?? [] }),
          ...(a.roles ? { roles: a.roles } : {}),
        }),
      };
    },
  });
  let tamper = false;
  const handle = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer);
    const m = /^\/interaction\/([\w-]+)$/.exec(url.pathname);
    if (m) {
      interaction(provider, req, res, accounts).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
      return;
    }
    if (tamper && req.method === 'POST' && url.pathname === '/token') {
      tamper = false;
      damageIdToken(res);
    }
    handle(req, res);
  });

  return {
    issuer,
    clientId,
    clientSecret,
    setAccount,
    subjectOf: (login) => {
      const a = accounts.get(login);
      if (!a) throw new Error(`no account ${login}`);
      return a.sub;
    },
    tamperNextIdToken: () => {
      tamper = true;
    },
    env: (roleMap, e = {}) => ({
      SIGHTLINE_OIDC_ISSUER: issuer,
      SIGHTLINE_OIDC_CLIENT_ID: clientId,
      SIGHTLINE_OIDC_CLIENT_SECRET: clientSecret,
      SIGHTLINE_OIDC_ROLE_CLAIM: e.roleClaim ?? 'groups',
      SIGHTLINE_OIDC_ROLE_MAP: JSON.stringify(roleMap),
      SIGHTLINE_OIDC_LABEL: e.label ?? 'Sign in with Test Constabulary',
    }),
    stop: () => closeServer(server),
  };
}

/** The provider's own sign-in page: a username (the account's login) and nothing else. */
async function interaction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  accounts: Map<string, { sub: string }>,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'POST') {
    const form = new URLSearchParams(await readBody(req));
    const account = accounts.get(form.get('login') ?? '');
    if (!account) {
      res.statusCode = 200;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(page(details.uid, 'No such account.'));
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: account.sub } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.end(page(details.uid, null));
}

function page(uid: string, error: string | null): string {
  return `<!doctype html><html lang="en"><head><title>Test identity provider</title></head><body><main>
<h1>Test identity provider</h1>${error ? `<p role="alert">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}"><label for="login">Account</label>
<input id="login" name="login" autocomplete="username"><button type="submit">Continue</button></form></main></body></html>`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((res, rej) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString('utf8');
    });
    req.on('end', () => res(body));
    req.on('error', rej);
  });
}

/** Rewrites the token response on its way out: one character of the ID token's signature changes. */
function damageIdToken(res: ServerResponse): void {
  const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => ServerResponse;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (Buffer.isBuffer(chunk) || typeof chunk === 'string') {
      const body = JSON.parse(chunk.toString()) as { id_token?: string };
      if (body.id_token) {
        const [h, p, s = ''] = body.id_token.split('.');
        const flipped = (s[5] === 'A' ? 'B' : 'A') + s.slice(6);
        body.id_token = `${h}.${p}.${s.slice(0, 5)}${flipped}`;
      }
      return end(Buffer.from(JSON.stringify(body)), ...rest);
    }
    return end(chunk, ...rest);
  }) as ServerResponse['end'];
}

function closeServer(server: Server): Promise<void> {
  return new Promise((res) => {
    server.closeAllConnections();
    server.close(() => res());
  });
}

/** A browser's cookies for one host, enough to walk the provider's redirects without a browser. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();
  /** The Cookie header to send. */
  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const i = pair.indexOf('=');
      const expired = /max-age=0|expires=Thu, 01 Jan 1970/i.test(line);
      if (expired) this.#cookies.delete(pair.slice(0, i));
      else this.#cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
  }
  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }
}

/**
 * Signs in at the provider as a browser would, from the relying party's authorization URL to
 * the callback URL the provider sends the browser back to (which the caller then opens).
 */
export async function signInAtProvider(
  authorizationUrl: string,
  login: string,
  jar = new CookieJar(),
): Promise<string> {
  let url = authorizationUrl;
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(res);
    const next = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && next) {
      const abs = new URL(next, url).href;
      if (!abs.startsWith(new URL(authorizationUrl).origin)) return abs; // back to the relying party
      url = abs;
      continue;
    }
    if (res.status === 200 && /\/interaction\//.test(url)) {
      await res.text();
      const post = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ login }).toString(),
      });
      jar.take(post);
      const loc = post.headers.get('location');
      if (!loc) throw new Error(`provider refused the sign-in: ${post.status} ${await post.text()}`);
      url = new URL(loc, url).href;
      continue;
    }
    throw new Error(
      `unexpected provider answer ${res.status} at ${url}: ${(await res.text()).slice(0, 300)}`,
    );
  }
  throw new Error('too many redirects at the provider');
}
