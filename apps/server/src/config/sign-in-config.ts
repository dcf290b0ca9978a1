import { readFileSync } from 'node:fs';
import { Role } from '@sightline/protocol';
import { z } from 'zod';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? null : v.trim()));

/** The SIGHTLINE_OIDC_* settings; config.ts spreads these into its schema. */
export const OIDC_ENV = {
  OIDC_ISSUER: optional,
  OIDC_CLIENT_ID: optional,
  OIDC_CLIENT_SECRET: optional,
  OIDC_CLIENT_SECRET_FILE: optional,
  OIDC_SCOPES: z.string().trim().default('openid profile email'),
  OIDC_LABEL: z.string().trim().min(1).max(80).default('Sign in with your force account'),
  OIDC_ROLE_CLAIM: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_:./-]{1,100}$/, 'a claim name such as roles or groups')
    .default('roles'),
  OIDC_ROLE_MAP: optional,
};

type OidcEnv = { [K in keyof typeof OIDC_ENV]: z.infer<(typeof OIDC_ENV)[K]> };

const RoleMap = z.record(z.string().min(1).max(200), z.array(Role).min(1).max(4));

export interface OidcConfig {
  issuer: URL;
  clientId: string;
  clientSecret: string;
  scopes: string;
  label: string;
  /** The ID token claim holding group ids or app role values. */
  roleClaim: string;
  /** Claim value → Sightline roles. */
  roleMap: Record<string, Role[]>;
  /** Derived from the public URL: the provider must list exactly this. */
  redirectUri: string;
  postLogoutRedirectUri: string;
}

/**
 * Officer single sign-on; null (the default) when no issuer is set. Throws a message naming the
 * bad key: an issuer without a client, a secret, or a role map is a half-configured deployment.
 */
export function shapeOidc(e: OidcEnv, publicUrl: URL, fail: (message: string) => Error): OidcConfig | null {
  if (e.OIDC_ISSUER === null) {
    const stray = (
      ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_CLIENT_SECRET_FILE', 'OIDC_ROLE_MAP'] as const
    )
      .filter((k) => e[k] !== null)
      .map((k) => `SIGHTLINE_${k}`);
    if (stray.length) throw fail(`${stray.join(', ')} set without SIGHTLINE_OIDC_ISSUER`);
    return null;
  }
  let issuer: URL;
  try {
    issuer = new URL(e.OIDC_ISSUER);
  } catch {
    throw fail(`SIGHTLINE_OIDC_ISSUER: "${e.OIDC_ISSUER}" is not a URL`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && loopback))
    throw fail('SIGHTLINE_OIDC_ISSUER: must be https (plain http only for a provider on this machine)');
  if (e.OIDC_CLIENT_ID === null)
    throw fail('SIGHTLINE_OIDC_CLIENT_ID is required with SIGHTLINE_OIDC_ISSUER');
  if (e.OIDC_CLIENT_SECRET !== null && e.OIDC_CLIENT_SECRET_FILE !== null)
    throw fail('set SIGHTLINE_OIDC_CLIENT_SECRET or SIGHTLINE_OIDC_CLIENT_SECRET_FILE, not both');
  let clientSecret = e.OIDC_CLIENT_SECRET;
  if (e.OIDC_CLIENT_SECRET_FILE !== null) {
    try {
      clientSecret = readFileSync(e.OIDC_CLIENT_SECRET_FILE, 'utf8').trim();
    } catch {
      throw fail(`SIGHTLINE_OIDC_CLIENT_SECRET_FILE: cannot read ${e.OIDC_CLIENT_SECRET_FILE}`);
    }
  }
  if (!clientSecret)
    throw fail('SIGHTLINE_OIDC_CLIENT_SECRET (or _FILE) is required with SIGHTLINE_OIDC_ISSUER');
  if (!e.OIDC_SCOPES.split(/\s+/).includes('openid'))
    throw fail('SIGHTLINE_OIDC_SCOPES: must include openid');
  if (e.OIDC_ROLE_MAP === null)
    throw fail(
      'SIGHTLINE_OIDC_ROLE_MAP is required with SIGHTLINE_OIDC_ISSUER (JSON: {"<group or app role>": ["call-handler"]})',
    );
  let json: unknown;
  try {
    json = JSON.parse(e.OIDC_ROLE_MAP);
  } catch {
    throw fail('SIGHTLINE_OIDC_ROLE_MAP: not JSON');
  }
  const map = RoleMap.safeParse(json);
  if (!map.success || Object.keys(map.data).length === 0)
    throw fail(
      `SIGHTLINE_OIDC_ROLE_MAP: expected {"<group or app role>": [roles]} with roles from ${Role.options.join(', ')}`,
    );
  const base = publicUrl.href.replace(/\/$/, '');
  return {
    issuer,
    clientId: e.OIDC_CLIENT_ID,
    clientSecret,
    scopes: e.OIDC_SCOPES,
    label: e.OIDC_LABEL,
    roleClaim: e.OIDC_ROLE_CLAIM,
    roleMap: map.data,
    redirectUri: `${base}/api/auth/oidc/callback`,
    postLogoutRedirectUri: `${base}/login`,
  };
}
