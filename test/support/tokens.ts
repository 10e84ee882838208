import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Principal } from '../../shared/roles';
import { VERIFIED_ID_CLAIM, tokenVerifier, type TokenVerifier } from '../../shared/auth/token-verifier';

export const TEST_ISSUER = 'https://issuer.test/local';
export const TEST_AUDIENCE = 'govtiers-test';
/** Cognito's. */
const ALG = 'RS256';

/** A key pair and a signer that mints tokens with the same claims the Cognito pool (and local issuer) puts in. */
export async function testTokens(): Promise<{ sign(p: Principal): Promise<string>; verifier: TokenVerifier; jwks: { keys: object[] } }> {
  const { privateKey, publicKey } = await generateKeyPair(ALG);
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test', alg: ALG };
  return {
    jwks: { keys: [jwk] },
    verifier: tokenVerifier({ keys: createLocalJWKSet({ keys: [jwk] }), issuer: TEST_ISSUER, audience: TEST_AUDIENCE }),
    sign: (p) =>
      new SignJWT({
        token_use: 'id',
        'custom:role': p.role,
        'custom:unit': p.unit,
        ...(p.dept ? { 'custom:dept': p.dept } : {}),
        ...(p.verifiedId ? { [VERIFIED_ID_CLAIM]: p.verifiedId } : {}),
      })
        .setProtectedHeader({ alg: ALG, kid: 'test' })
        .setSubject(p.sub)
        .setIssuer(TEST_ISSUER)
        .setAudience(TEST_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
  };
}
