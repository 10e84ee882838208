import * as oauth from 'oauth4webapi';
import { tokenVerifierFromEnv, type TokenVerifier } from '../../shared/auth/token-verifier';
import type { Principal } from '../../shared/roles';
import { isLoopbackUrl } from './page';

/**
 * Sign-in with the OpenID Connect authorization-code flow and PKCE against the configured issuer (Cognito's hosted
 * pages, a province's unified identity platform, or locally the runtime's issuer): discovery, the authorization
 * request, the code exchange and the ID token's checks are oauth4webapi's, a small, dependency-free and certified
 * implementation, rather than ours. The ID token is then read by the same verifier the API uses, so a page and an
 * API call see one principal.
 *
 * `OIDC_ISSUER` and `OIDC_CLIENT_ID` default to the API's `JWT_ISSUER` and `JWT_AUDIENCE` (an ID token's audience is
 * the client it was issued to).
 */
const issuerUrl = () => new URL(process.env.OIDC_ISSUER || process.env.JWT_ISSUER || 'http://127.0.0.1/unset');
const client = (): oauth.Client => ({ client_id: process.env.OIDC_CLIENT_ID || process.env.JWT_AUDIENCE || '' });
/** Plain HTTP only to an issuer on this machine (the local runtime's). */
const insecure = (u: URL) => (isLoopbackUrl(u) ? { [oauth.allowInsecureRequests]: true } : {});

let server: Promise<oauth.AuthorizationServer> | undefined;
const authorizationServer = () =>
  (server ??= (async () => {
    const issuer = issuerUrl();
    const res = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure(issuer) });
    return oauth.processDiscoveryResponse(issuer, res);
  })().catch((e: unknown) => {
    server = undefined;
    throw e;
  }));

let verifier: TokenVerifier | undefined;

/** What the browser keeps (in an HttpOnly cookie) between leaving for the issuer and coming back. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  back: string;
}

export async function startSignIn(redirectUri: string, back: string): Promise<{ url: string; pending: PendingSignIn }> {
  const as = await authorizationServer();
  const pending = { state: oauth.generateRandomState(), nonce: oauth.generateRandomNonce(), verifier: oauth.generateRandomCodeVerifier(), back };
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: client().client_id,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid',
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
  }).toString();
  return { url: url.toString(), pending };
}

/** The callback: checks state, exchanges the code with the verifier, checks the ID token; the principal and when it expires. */
export async function finishSignIn(callbackUrl: URL, redirectUri: string, pending: PendingSignIn): Promise<{ principal: Principal; expiresAt: number; token: string }> {
  const as = await authorizationServer();
  const params = oauth.validateAuthResponse(as, client(), callbackUrl, pending.state);
  const res = await oauth.authorizationCodeGrantRequest(as, client(), oauth.None(), params, redirectUri, pending.verifier, insecure(new URL(as.token_endpoint!)));
  const result = await oauth.processAuthorizationCodeResponse(as, client(), res, { expectedNonce: pending.nonce, requireIdToken: true });
  const claims = oauth.getValidatedIdTokenClaims(result)!;
  const principal = await (verifier ??= tokenVerifierFromEnv()).verify(result.id_token!);
  return { principal, expiresAt: claims.exp, token: result.id_token! };
}
