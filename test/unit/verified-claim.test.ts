import { describe, expect, it } from 'vitest';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { tokenVerifier, VERIFIED_ID_CLAIM } from '../../shared/auth/token-verifier';
import { createLocalIssuer } from '../../infra/local/token-issuer';
import { httpEvent } from '../support/events';

const ISSUER = 'https://issuer.test/verified';
const AUDIENCE = 'govtiers-test';

async function signer() {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k', alg: 'RS256' };
  const keys = createLocalJWKSet({ keys: [jwk] });
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT({ token_use: 'id', 'custom:role': 'citizen', 'custom:unit': '330000000000', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'k' })
      .setSubject('alice')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('1h')
      .sign(privateKey);
  return { keys, sign };
}

describe('the identity provider’s verified identity number', () => {
  it('reaches the principal from the configured claim, normalised; anything malformed is not trusted', async () => {
    const { keys, sign } = await signer();
    const cognito = tokenVerifier({ keys, issuer: ISSUER, audience: AUDIENCE });
    expect((await cognito.verify(await sign({ [VERIFIED_ID_CLAIM]: '11010519491231002x' }))).verifiedId).toBe('11010519491231002X');
    expect((await cognito.verify(await sign({}))).verifiedId).toBeUndefined();
    for (const bad of [true, 'yes', '1101051949123100', { id: '11010519491231002X' }]) {
      const p = await cognito.verify(await sign({ [VERIFIED_ID_CLAIM]: bad }));
      expect(p.verifiedId, JSON.stringify(bad)).toBeUndefined();
    }
    // Another issuer names its real-name claim differently; the Cognito name then means nothing.
    const oidc = tokenVerifier({ keys, issuer: ISSUER, audience: AUDIENCE, verifiedIdClaim: 'realname_idcard' });
    expect((await oidc.verify(await sign({ realname_idcard: '91330100MA27XYW117' }))).verifiedId).toBe('91330100MA27XYW117');
    expect((await oidc.verify(await sign({ [VERIFIED_ID_CLAIM]: '11010519491231002X' }))).verifiedId).toBeUndefined();
  });

  it('is minted by the local issuer when asked, as the province’s identity platform would set it', async () => {
    const issuer = await createLocalIssuer({ dataDir: ':memory:', baseUrl: 'http://127.0.0.1:3000' });
    const route = (body: unknown) =>
      issuer.tokenRoute(httpEvent({ routeKey: 'POST /local/token', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
    const res = await route({ sub: 'alice', role: 'citizen', unit: '330000000000', verifiedId: '11010519491231002x' });
    expect(res.statusCode).toBe(200);
    const claims = await issuer.verify(JSON.parse(res.body!).token);
    expect(claims[VERIFIED_ID_CLAIM]).toBe('11010519491231002X');
    const bad = await route({ sub: 'alice', role: 'citizen', unit: '330000000000', verifiedId: 'yes' });
    expect(bad.statusCode).toBe(400);
  });
});
