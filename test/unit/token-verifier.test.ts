import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenVerifier, tokenVerifierFromEnv } from '../../shared/auth/token-verifier';

// The same verifier for Cognito's ID tokens and for any OIDC issuer's: claim names, the second factor staff must
// show, and keys found through the issuer's discovery document.
const AUDIENCE = 'govtiers';
let issuer: string;
let jwk: JWK;
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let server: http.Server;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' };
  server = http.createServer((req, res) => {
    const body =
      req.url === '/oidc/.well-known/openid-configuration'
        ? { issuer, jwks_uri: `${issuer}/keys` }
        : req.url === '/oidc/keys'
          ? { keys: [jwk] }
          : undefined;
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oidc`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const sign = (claims: JWTPayload, sub = 'u1') =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject(sub)
    .setIssuer(issuer)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(privateKey);
const keys = () => createLocalJWKSet({ keys: [jwk] });

describe('token verifier', () => {
  it('reads role, unit and department from the claims the issuer names', async () => {
    const v = tokenVerifier({ keys: keys(), issuer, audience: AUDIENCE, claims: { role: 'gov_role', unit: 'org_code', dept: 'dept_id' } });
    const token = await sign({ gov_role: 'citizen', org_code: '330102000000' });
    await expect(v.verify(token)).resolves.toEqual({ sub: 'u1', role: 'citizen', unit: '330102000000', dept: undefined });
    // Cognito's claim names mean nothing to this issuer's verifier.
    await expect(v.verify(await sign({ 'custom:role': 'citizen', 'custom:unit': '330102000000' }))).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('keeps Cognito’s names by default and refuses its access tokens', async () => {
    const v = tokenVerifier({ keys: keys(), issuer, audience: AUDIENCE });
    const claims = { 'custom:role': 'staff', 'custom:unit': '330102000000', 'custom:dept': 'd1' };
    await expect(v.verify(await sign({ ...claims, token_use: 'id' }))).resolves.toMatchObject({ role: 'staff', dept: 'd1' });
    await expect(v.verify(await sign({ ...claims, token_use: 'access' }))).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('asks staff, admin and auditor tokens for a second factor in amr when told to, and citizens for none', async () => {
    const v = tokenVerifier({ keys: keys(), issuer, audience: AUDIENCE, staffAmr: ['otp', 'mfa'] });
    const as = (role: string, amr?: string[]) => sign({ 'custom:role': role, 'custom:unit': '330000000000', ...(amr ? { amr } : {}) }, `${role}-${amr}`);
    for (const role of ['staff', 'unit-admin', 'province-admin', 'auditor']) {
      await expect(v.verify(await as(role)), role).rejects.toMatchObject({ code: 'unauthorized' });
      await expect(v.verify(await as(role, ['pwd'])), role).rejects.toMatchObject({ code: 'unauthorized' });
      await expect(v.verify(await as(role, ['pwd', 'otp'])), role).resolves.toMatchObject({ role });
    }
    await expect(v.verify(await as('citizen'))).resolves.toMatchObject({ role: 'citizen' });
  });

  it('from the environment: claim names, staff amr, and keys through OIDC discovery when no JWKS_URL is given', async () => {
    const v = tokenVerifierFromEnv({
      JWT_ISSUER: issuer,
      JWT_AUDIENCE: AUDIENCE,
      JWT_CLAIM_ROLE: 'gov_role',
      JWT_CLAIM_UNIT: 'org_code',
      JWT_STAFF_AMR: 'otp, hwk',
    });
    await expect(v.verify(await sign({ gov_role: 'staff', org_code: '330100000000', amr: ['hwk'] }))).resolves.toMatchObject({
      role: 'staff',
      unit: '330100000000',
    });
    await expect(v.verify(await sign({ gov_role: 'staff', org_code: '330100000000' }, 'u2'))).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
