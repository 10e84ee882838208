import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import * as z from '../zod';
import { ApiError } from '../errors';
import { roleSchema, unitCodeSchema, type Principal, type Role } from '../roles';

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

/**
 * Which claims carry role, unit and department. Cognito puts them in custom attributes (and the local issuer mints
 * the same); another OIDC issuer, a province's unified identity platform, names its own.
 */
export interface ClaimNames {
  role: string;
  unit: string;
  dept: string;
}
export const COGNITO_CLAIMS: ClaimNames = { role: 'custom:role', unit: 'custom:unit', dept: 'custom:dept' };

/** Roles that act for a unit, every one but the public's: 等保 2.0 asks their sign-in to use two factors. */
const PUBLIC_ROLES: ReadonlySet<Role> = new Set(['citizen', 'business']);

const claimsSchema = (n: ClaimNames) =>
  z.object({
    sub: z.string().check(z.minLength(1)),
    exp: z.number(),
    // Cognito marks its tokens: an access token is refused (it carries no role or unit either). OIDC ID tokens have none.
    token_use: z.optional(z.literal('id')),
    amr: z.optional(z.array(z.string())),
    [n.role]: roleSchema,
    [n.unit]: unitCodeSchema,
    [n.dept]: z.optional(z.string().check(z.minLength(1))),
  });

/**
 * The claim carrying an identity number the identity provider has verified (Cognito: a custom attribute that no app
 * client may write; an OIDC issuer: its real-name claim). `JWT_CLAIM_VERIFIED_ID` names it.
 */
export const VERIFIED_ID_CLAIM = 'custom:idn_verified';
/** An 18-character resident ID or credit code; anything else in the claim is ignored, not trusted. */
const verifiedIdSchema = z.string().check(z.trim(), z.toUpperCase(), z.regex(/^[0-9A-Z]{18}$/));

/** How many verified tokens a function instance remembers; a user's session repeats its token on every call. */
const CACHE_SIZE = 1000;

export interface TokenVerifierOptions {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  claims?: ClaimNames;
  /** The claim with an identity number the identity provider verified (`VERIFIED_ID_CLAIM` unless named). */
  verifiedIdClaim?: string;
  /**
   * Authentication methods (RFC 8176 `amr` values such as `otp`, `mfa`, `hwk`) of which a staff, admin or auditor
   * token must show one. Unset where the issuer itself requires a second factor (the stack's Cognito pool does).
   */
  staffAmr?: string[];
}

export function tokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  const names = opts.claims ?? COGNITO_CLAIMS;
  const schema = claimsSchema(names);
  const verifiedIdClaim = opts.verifiedIdClaim ?? VERIFIED_ID_CLAIM;
  const check = async (token: string) => {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, opts.keys, { issuer: opts.issuer, audience: opts.audience, clockTolerance: 5 }));
    } catch {
      throw new ApiError('unauthorized');
    }
    const claims = schema.safeParse(payload);
    if (!claims.success) throw new ApiError('unauthorized');
    const c = claims.data as { sub: string; exp: number; amr?: string[] } & Record<string, string | undefined>;
    const verifiedId = verifiedIdSchema.safeParse((payload as Record<string, unknown>)[verifiedIdClaim]);
    const principal: Principal = {
      sub: c.sub,
      role: c[names.role] as Principal['role'],
      unit: c[names.unit]!,
      dept: c[names.dept],
      ...(verifiedId.success ? { verifiedId: verifiedId.data } : {}),
    };
    if (opts.staffAmr && !PUBLIC_ROLES.has(principal.role) && !c.amr?.some((m) => opts.staffAmr!.includes(m))) {
      throw new ApiError('unauthorized');
    }
    return { principal, exp: c.exp };
  };
  // The signature check dominates a request's own cost, and a verified token stays valid until it expires.
  const verified = new Map<string, { principal: Principal; exp: number }>();
  return {
    async verify(token) {
      const hit = verified.get(token);
      if (hit && hit.exp > Date.now() / 1000) return hit.principal;
      verified.delete(token);
      const fresh = await check(token);
      if (verified.size >= CACHE_SIZE) verified.delete(verified.keys().next().value!);
      verified.set(token, fresh);
      return fresh.principal;
    },
  };
}

/**
 * From the environment the stack (Cognito or an OIDC issuer) or the local runtime sets: JWT_ISSUER, JWT_AUDIENCE;
 * JWKS_URL, else the issuer's OIDC discovery document names it; JWT_CLAIM_ROLE/UNIT/DEPT when the issuer's claims
 * are not Cognito's; JWT_STAFF_AMR (comma-separated) when staff tokens must show a second factor.
 */
export function tokenVerifierFromEnv(env: NodeJS.ProcessEnv = process.env): TokenVerifier {
  const issuer = env.JWT_ISSUER;
  const audience = env.JWT_AUDIENCE;
  if (!issuer || !audience) throw new Error('JWT_ISSUER and JWT_AUDIENCE must be set');
  const keys = env.JWKS_URL ? createRemoteJWKSet(new URL(env.JWKS_URL)) : discoveredKeys(issuer);
  const claims: ClaimNames = {
    role: env.JWT_CLAIM_ROLE || COGNITO_CLAIMS.role,
    unit: env.JWT_CLAIM_UNIT || COGNITO_CLAIMS.unit,
    dept: env.JWT_CLAIM_DEPT || COGNITO_CLAIMS.dept,
  };
  const staffAmr = env.JWT_STAFF_AMR?.split(',').map((m) => m.trim()).filter(Boolean);
  return tokenVerifier({
    keys,
    issuer,
    audience,
    claims,
    verifiedIdClaim: env.JWT_CLAIM_VERIFIED_ID,
    ...(staffAmr?.length ? { staffAmr } : {}),
  });
}

/** The issuer's keys through its discovery document (`jwks_uri`), fetched on first use and again after a failure. */
function discoveredKeys(issuer: string): JWTVerifyGetKey {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  return async (header, token) => {
    keys ??= fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`)
      .then(async (res) => {
        if (!res.ok) throw new Error(`OIDC discovery of ${issuer} answered ${res.status}`);
        return createRemoteJWKSet(new URL(((await res.json()) as { jwks_uri: string }).jwks_uri));
      })
      .catch((e: unknown) => {
        keys = undefined;
        throw e;
      });
    return (await keys)(header, token);
  };
}
