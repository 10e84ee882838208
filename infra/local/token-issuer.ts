// The local stand-in for the Cognito user pool: mints ID tokens with the claims the pool puts in (role, unit and
// department as custom attributes) and publishes its public key as a JWKS, so the handlers verify local tokens with
// the very code that verifies Cognito's. Local only: the stack has no such route.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import * as z from '../../shared/zod';
import { ApiError, type FieldError } from '../../shared/errors';
import { pickLang, type Text } from '../../shared/i18n';
import { parseRequestPart } from '../../shared/http/middlewares/validate-input';
import { jsonReply } from '../../shared/http/reply';
import { VERIFIED_ID_CLAIM } from '../../shared/auth/token-verifier';
import { roleSchema, unitCodeSchema, type Principal } from '../../shared/roles';

export const LOCAL_AUDIENCE = 'govtiers-local';
export const TOKEN_TTL_SECONDS = 3600;
/** As Cognito signs its ID tokens, so that the handlers' verifier does here the work it does in AWS. */
const ALG = 'RS256';
const KEY_FILE = 'issuer-key.json';

export const tokenRequestSchema = z.strictObject({
  sub: z.string().check(z.trim(), z.minLength(1), z.maxLength(128)),
  role: roleSchema,
  unit: unitCodeSchema,
  dept: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))),
  /** The identity number the province's identity platform would have verified (a demo of a real-name account). */
  verifiedId: z.optional(z.string().check(z.trim(), z.toUpperCase(), z.regex(/^[0-9A-Z]{18}$/))),
});

type Key = Awaited<ReturnType<typeof importJWK>>;

export interface IssuerKey {
  kid: string;
  privateKey: Key;
  publicKey: Key;
  publicJwk: JWK;
}

/**
 * The signing key: made once and kept in `<dataDir>/issuer-key.json` (owner-only), so tokens stay valid across
 * restarts; with ':memory:' it lives as long as the process.
 */
export async function loadIssuerKey(dataDir: string): Promise<IssuerKey> {
  if (dataDir === ':memory:') return fromPrivateJwk(await newPrivateJwk());
  const file = join(dataDir, KEY_FILE);
  let jwk: JWK;
  try {
    jwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read the local issuer key ${file}: ${(e as Error).message}`);
    jwk = {};
  }
  // Missing, or made for another algorithm by an earlier version: a new key (tokens signed with the old one lapse).
  if (jwk.alg !== ALG) {
    jwk = await newPrivateJwk();
    await mkdir(dataDir, { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, file);
  }
  return fromPrivateJwk(jwk);
}

async function newPrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: ALG, use: 'sig' };
}

async function fromPrivateJwk(jwk: JWK): Promise<IssuerKey> {
  const { kty, n, e, kid, alg, use } = jwk;
  if (!kid) throw new Error('the local issuer key has no kid');
  const publicJwk = { kty, n, e, kid, alg, use };
  const [privateKey, publicKey] = await Promise.all([importJWK(jwk, ALG), importJWK(publicJwk, ALG)]);
  return { kid, privateKey, publicKey, publicJwk };
}

/** Why the user pool would have no such user (an account with no active record), or the department its record names. */
export type AccountCheck = (p: Principal) => Promise<{ refusal: Text } | { dept?: string }>;

export class LocalIssuer {
  /** `http://<host>:<port>/local`: what tokens carry as `iss` and the handlers expect in JWT_ISSUER. */
  readonly issuer: string;
  readonly audience = LOCAL_AUDIENCE;
  readonly jwksUrl: string;

  constructor(
    private readonly key: IssuerKey,
    baseUrl: string,
    private readonly accounts?: AccountCheck,
  ) {
    this.issuer = `${baseUrl.replace(/\/$/, '')}/local`;
    this.jwksUrl = `${this.issuer}/.well-known/jwks.json`;
  }

  /** Where the handlers' verifier (shared/auth/token-verifier.ts) finds issuer, audience and keys, as on Lambda. */
  applyEnv(env: NodeJS.ProcessEnv = process.env): void {
    env.JWT_ISSUER = this.issuer;
    env.JWT_AUDIENCE = this.audience;
    env.JWKS_URL = this.jwksUrl;
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.key.publicJwk] };
  }

  async mint(p: Principal, ttlSeconds = TOKEN_TTL_SECONDS, nonce?: string): Promise<{ token: string; expiresIn: number }> {
    const token = await new SignJWT({
      token_use: 'id',
      ...(nonce ? { nonce } : {}),
      'custom:role': p.role,
      'custom:unit': p.unit,
      ...(p.dept ? { 'custom:dept': p.dept } : {}),
      ...(p.verifiedId ? { [VERIFIED_ID_CLAIM]: p.verifiedId } : {}),
    })
      .setProtectedHeader({ alg: ALG, kid: this.key.kid, typ: 'JWT' })
      .setSubject(p.sub)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.key.privateKey);
    return { token, expiresIn: ttlSeconds };
  }

  /** A token for an account the user pool would have: 403 for a staff, admin or auditor account without an active record, its department from the record. */
  async issue(p: Principal, nonce?: string): Promise<{ token: string; expiresIn: number }> {
    const account = await this.accounts?.(p);
    if (!account) return this.mint(p, TOKEN_TTL_SECONDS, nonce);
    if ('refusal' in account) throw new ApiError('forbidden', [], account.refusal);
    // The user pool's dept attribute is the record's department id, whatever the caller asked for.
    const { dept: _asked, ...rest } = p;
    return this.mint({ ...rest, ...account }, TOKEN_TTL_SECONDS, nonce);
  }

  /** Signature, issuer, audience and expiry, as API Gateway's JWT authorizer checks them; the claims if all hold. */
  async verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.key.publicKey, {
      issuer: this.issuer,
      audience: this.audience,
      algorithms: [ALG],
    });
    return payload;
  }

  /**
   * `POST /local/token`: `{ sub, role, unit, dept?, verifiedId? }` → `{ token, expiresIn }`, or a 400 in the API's error
   * shape. A staff, admin or auditor account without an active record gets a 403, as Cognito would have no such user;
   * citizens and businesses exist at the identity provider before their platform record, so they always get one.
   */
  async tokenRoute(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
    const lang = pickLang(event.headers['accept-language']);
    const requestId = event.requestContext.requestId;
    try {
      const text = event.body && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      let body: unknown;
      try {
        body = JSON.parse(text || 'null');
      } catch {
        throw new ApiError('invalid_json');
      }
      const fields: FieldError[] = [];
      const input = parseRequestPart(tokenRequestSchema, body, 'body', lang, fields) as z.output<typeof tokenRequestSchema>;
      if (fields.length > 0) throw new ApiError('validation_failed', fields);
      return jsonReply(200, await this.issue(input), requestId);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      return jsonReply(e.status, e.body(lang), requestId);
    }
  }

  /** `GET /local/.well-known/jwks.json`. */
  async jwksRoute(): Promise<APIGatewayProxyStructuredResultV2> {
    return { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'max-age=300' }, body: JSON.stringify(this.jwks()) };
  }
}

/** What `/local/authorize` hands out: one use, a minute at most, as an authorization server's codes are. */
interface Grant {
  principal: Principal;
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce?: string;
  expires: number;
}
const CODE_SECONDS = 60;

const authorizeSchema = z.object({
  response_type: z.literal('code'),
  client_id: z.string(),
  redirect_uri: z.string(),
  state: z.optional(z.string()),
  nonce: z.optional(z.string()),
  code_challenge: z.string().check(z.minLength(43), z.maxLength(128)),
  code_challenge_method: z.literal('S256'),
});

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const formOf = (event: APIGatewayProxyEventV2) =>
  Object.fromEntries(new URLSearchParams(event.body && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : (event.body ?? '')));

/**
 * The authorization-code flow with PKCE (RFC 7636) of an OpenID provider, locally: the web pages sign in here exactly
 * as they do at Cognito's hosted pages or a province's identity platform, through discovery, `/authorize` (where one
 * picks a demo account instead of typing a password) and the token endpoint.
 */
export class LocalSignIn {
  private readonly grants = new Map<string, Grant>();

  constructor(
    private readonly issuer: LocalIssuer,
    /** The accounts offered on the sign-in page (each must be able to hold a token). */
    private readonly accounts: () => { principal: Principal; label: string }[],
  ) {}

  async discoveryRoute(): Promise<APIGatewayProxyStructuredResultV2> {
    const i = this.issuer.issuer;
    const doc = {
      issuer: i,
      authorization_endpoint: `${i}/authorize`,
      token_endpoint: `${i}/oauth2/token`,
      jwks_uri: this.issuer.jwksUrl,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [ALG],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      grant_types_supported: ['authorization_code'],
      scopes_supported: ['openid'],
    };
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) };
  }

  /** Only the audience the verifier expects may ask, and only to come back to a page on this machine. */
  private request(fields: unknown) {
    const r = authorizeSchema.safeParse(fields);
    if (!r.success || r.data.client_id !== this.issuer.audience) return undefined;
    let back: URL;
    try {
      back = new URL(r.data.redirect_uri);
    } catch {
      return undefined;
    }
    return back.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(back.hostname) ? r.data : undefined;
  }

  /** `GET /local/authorize`: the page where one picks a demo account. */
  async authorizeRoute(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
    const req = this.request(event.queryStringParameters ?? {});
    if (!req) return { statusCode: 400, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'invalid authorization request' };
    const hidden = Object.entries(req)
      .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(String(v))}">`)
      .join('');
    const choices = this.accounts()
      .map(
        (a, i) =>
          `<li><form method="post" action="${escape(this.issuer.issuer)}/authorize">${hidden}<input type="hidden" name="account" value="${i}">` +
          `<button type="submit">${escape(a.label)}</button> <small>${escape(a.principal.role)} · ${escape(a.principal.unit)}</small></form></li>`,
      )
      .join('');
    const body =
      '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">' +
      '<title>本地登录 Local sign-in</title></head><body><main><h1>本地登录（演示账号）<br><span lang="en">Local sign-in (demo accounts)</span></h1>' +
      `<p>本地运行时代替统一身份认证平台：选择一个账号登录。</p><ul>${choices}</ul></main></body></html>`;
    return {
      statusCode: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'none'; form-action 'self' http://127.0.0.1:* http://localhost:*; frame-ancestors 'none'",
      },
      body,
    };
  }

  /** `POST /local/authorize`: the account chosen; back to the client with a code. */
  async chooseRoute(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
    const form = formOf(event);
    const req = this.request(form);
    const account = this.accounts()[Number(form.account)];
    if (!req || !account) return { statusCode: 400, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'invalid authorization request' };
    const code = randomBytes(24).toString('base64url');
    this.grants.set(code, {
      principal: account.principal,
      clientId: req.client_id,
      redirectUri: req.redirect_uri,
      challenge: req.code_challenge,
      nonce: req.nonce,
      expires: Date.now() + CODE_SECONDS * 1000,
    });
    const back = new URL(req.redirect_uri);
    back.searchParams.set('code', code);
    if (req.state) back.searchParams.set('state', req.state);
    back.searchParams.set('iss', this.issuer.issuer);
    return { statusCode: 302, headers: { location: back.toString(), 'cache-control': 'no-store' } };
  }

  /** `POST /local/oauth2/token`: a code, once, for the ID token, when the verifier matches the challenge. */
  async tokenRoute(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
    const form = formOf(event);
    const fail = (error: string) => ({
      statusCode: 400,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify({ error }),
    });
    if (form.grant_type !== 'authorization_code') return fail('unsupported_grant_type');
    const grant = this.grants.get(form.code ?? '');
    this.grants.delete(form.code ?? '');
    if (!grant || grant.expires < Date.now()) return fail('invalid_grant');
    const challenge = createHash('sha256').update(form.code_verifier ?? '').digest('base64url');
    if (challenge !== grant.challenge || form.redirect_uri !== grant.redirectUri || form.client_id !== grant.clientId) return fail('invalid_grant');
    let minted;
    try {
      minted = await this.issuer.issue(grant.principal, grant.nonce);
    } catch {
      return fail('access_denied');
    }
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify({ id_token: minted.token, access_token: minted.token, token_type: 'Bearer', expires_in: minted.expiresIn }),
    };
  }
}

export async function createLocalIssuer(opts: { dataDir: string; baseUrl: string; accounts?: AccountCheck }): Promise<LocalIssuer> {
  return new LocalIssuer(await loadIssuerKey(opts.dataDir), opts.baseUrl, opts.accounts);
}
