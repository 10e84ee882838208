import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import * as z from '../zod';
import { ApiError } from '../errors';
import { roleSchema, unitCodeSchema, type Principal } from '../roles';

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

/**
 * The claims govtiers reads. They are Cognito ID-token claims (custom attributes carry role, unit and
 * department), and the local issuer mints the same ones, so one verifier serves both.
 */
const claimsSchema = z.object({
  sub: z.string().check(z.minLength(1)),
  exp: z.number(),
  token_use: z.literal('id'),
  'custom:role': roleSchema,
  'custom:unit': unitCodeSchema,
  'custom:dept': z.optional(z.string().check(z.minLength(1))),
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

export function tokenVerifier(opts: { keys: JWTVerifyGetKey; issuer: string; audience: string; verifiedIdClaim?: string }): TokenVerifier {
  const verifiedIdClaim = opts.verifiedIdClaim ?? VERIFIED_ID_CLAIM;
  const check = async (token: string) => {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, opts.keys, { issuer: opts.issuer, audience: opts.audience, clockTolerance: 5 }));
    } catch {
      throw new ApiError('unauthorized');
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new ApiError('unauthorized');
    const c = claims.data;
    const verifiedId = verifiedIdSchema.safeParse((payload as Record<string, unknown>)[verifiedIdClaim]);
    const principal: Principal = {
      sub: c.sub,
      role: c['custom:role'],
      unit: c['custom:unit'],
      dept: c['custom:dept'],
      ...(verifiedId.success ? { verifiedId: verifiedId.data } : {}),
    };
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

/** JWT_ISSUER and JWT_AUDIENCE from the stack (Cognito) or the local runtime; keys from the issuer's JWKS. */
export function tokenVerifierFromEnv(env: NodeJS.ProcessEnv = process.env): TokenVerifier {
  const issuer = env.JWT_ISSUER;
  const audience = env.JWT_AUDIENCE;
  if (!issuer || !audience) throw new Error('JWT_ISSUER and JWT_AUDIENCE must be set');
  const jwksUrl = env.JWKS_URL ?? `${issuer}/.well-known/jwks.json`;
  return tokenVerifier({ keys: createRemoteJWKSet(new URL(jwksUrl)), issuer, audience, verifiedIdClaim: env.JWT_CLAIM_VERIFIED_ID });
}
