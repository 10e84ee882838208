import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Deps } from '../../shared/deps';
import type { Lang } from '../../shared/i18n';
import { roleSchema, type Principal } from '../../shared/roles';
import type { Key } from '../../shared/store/store';
import * as z from '../../shared/zod';
import { seal, unseal } from './sealed';

/**
 * Sessions of the web pages. The browser holds only a random id in an HttpOnly, SameSite=Lax cookie (Secure, with
 * the `__Host-` prefix, whenever the page came over HTTPS); the session itself is a registry item keyed by the id's
 * hash, so that signing out ends it on the server too and a copied cookie is worth nothing afterwards. Tokens stay
 * on the server, sealed with a key derived from the cookie's id: nothing goes to the browser's storage, and nothing
 * in the registry opens without the browser's cookie. Each session has its own CSRF token, which every form
 * that changes something carries and every POST checks.
 */

/** How long a session lasts at most, whatever the identity provider's token says: a working day. */
export const SESSION_SECONDS = 8 * 3600;
const PREF_SECONDS = 365 * 24 * 3600;

export interface Session {
  principal: Principal;
  csrf: string;
  expiresAt: number;
  /**
   * The ID token, kept on the server: the staff workbench calls the API with it in the signed-in person's name. The
   * store holds it sealed under the cookie's id, so a function reading the registry cannot borrow it.
   */
  token?: string;
}

/**
 * The principal without the verified identity number: the registry holds no personal records, so a page that
 * needs the number asks the people function, as the API does.
 */
const principalSchema = z.object({ sub: z.string(), role: roleSchema, unit: z.string(), dept: z.optional(z.string()) });
/** The ID token is stored sealed (see sealed.ts): only a request bearing the session's cookie opens it. */
const sessionItem = z.object({ principal: principalSchema, csrf: z.string(), expiresAt: z.number(), sealedToken: z.optional(z.string()) });
const TOKEN_PURPOSE = 'id-token';

/** A browser's secret as the store knows it: only its hash, so that the table alone opens no session. */
export const hashOf = (id: string) => createHash('sha256').update(id).digest('base64url');
const sessionKey = (id: string): Key => ({ pk: `session#${hashOf(id)}`, sk: 'session' });
export const newSecret = () => randomBytes(32).toString('base64url');

/** What the request says about where it came from: https behind API Gateway, http on the local gateway. */
export function secureRequest(event: APIGatewayProxyEventV2): boolean {
  return (event.headers['x-forwarded-proto'] ?? 'https') === 'https';
}

/** A cookie name, `__Host-` prefixed over HTTPS (then only this host, over HTTPS, with Path=/ may set it). */
export const hostCookieName = (name: string, secure: boolean) => (secure ? `__Host-${name}` : name);
export const sessionCookieName = (secure: boolean) => hostCookieName('sid', secure);

export function cookiesOf(event: APIGatewayProxyEventV2): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of event.cookies ?? []) {
    const eq = c.indexOf('=');
    if (eq <= 0) continue;
    const name = c.slice(0, eq).trim();
    if (!(name in out)) {
      try {
        out[name] = decodeURIComponent(c.slice(eq + 1).trim());
      } catch {
        // A value that is not percent-encoding is no cookie of ours.
      }
    }
  }
  return out;
}

export function cookie(name: string, value: string, o: { secure: boolean; maxAge: number; httpOnly?: boolean }): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    `Max-Age=${o.maxAge}`,
    'SameSite=Lax',
    ...(o.httpOnly === false ? [] : ['HttpOnly']),
    ...(o.secure ? ['Secure'] : []),
  ].join('; ');
}

export async function readSession(deps: Deps, event: APIGatewayProxyEventV2): Promise<{ id: string; session: Session } | undefined> {
  const id = cookiesOf(event)[sessionCookieName(secureRequest(event))];
  if (!id || id.length > 100) return undefined;
  const item = await deps.store.get('registry', sessionKey(id));
  const parsed = sessionItem.safeParse(item);
  // DynamoDB deletes expired items only eventually: the expiry is checked here.
  if (!parsed.success || parsed.data.expiresAt * 1000 <= deps.now().getTime()) return undefined;
  const { sealedToken, ...session } = parsed.data;
  if (sealedToken === undefined) return { id, session };
  // A token that does not open was altered, or sealed for another session: no session at all.
  const token = unseal(id, TOKEN_PURPOSE, sealedToken);
  return token === undefined ? undefined : { id, session: { ...session, token } };
}

/** Starts a session for a signed-in principal; the Set-Cookie value to send. */
export async function startSession(deps: Deps, principal: Principal, tokenExpiresAt: number, secure: boolean, token?: string): Promise<string> {
  const id = newSecret();
  const now = Math.floor(deps.now().getTime() / 1000);
  const expiresAt = Math.min(tokenExpiresAt, now + SESSION_SECONDS);
  await deps.store.write({
    op: 'put',
    table: 'registry',
    item: {
      ...sessionKey(id),
      principal: principalSchema.parse(principal),
      csrf: newSecret(),
      expiresAt,
      ...(token ? { sealedToken: seal(id, TOKEN_PURPOSE, token) } : {}),
      createdAt: deps.now().toISOString(),
    },
    expect: { absent: true },
  });
  return cookie(sessionCookieName(secure), id, { secure, maxAge: Math.max(0, expiresAt - now) });
}

/** Ends the session on the server and in the browser. */
export async function endSession(deps: Deps, id: string, secure: boolean): Promise<string> {
  await deps.store.write({ op: 'delete', table: 'registry', key: sessionKey(id) });
  return cookie(sessionCookieName(secure), '', { secure, maxAge: 0 });
}

export function csrfMatches(session: Session, sent: unknown): boolean {
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Display preferences, kept in cookies so they last without an account: language and the 适老化 mode. */
export interface Prefs {
  lang: Lang;
  elder: boolean;
}

export function prefsOf(event: APIGatewayProxyEventV2): Prefs {
  const c = cookiesOf(event);
  return { lang: c.lang === 'en' ? 'en' : 'zh-CN', elder: c.mode === 'elder' };
}

export function prefCookies(p: Partial<Prefs>, secure: boolean): string[] {
  return [
    ...(p.lang ? [cookie('lang', p.lang === 'en' ? 'en' : 'zh', { secure, maxAge: PREF_SECONDS })] : []),
    ...(p.elder !== undefined ? [cookie('mode', p.elder ? 'elder' : 'standard', { secure, maxAge: PREF_SECONDS })] : []),
  ];
}

/** A path on this site to come back to: only local paths, never `//host` or a scheme, so no open redirect. */
export function localPath(back: unknown, fallback = '/'): string {
  return typeof back === 'string' && /^\/(?![/\\])[^\s]*$/.test(back) && back.length <= 500 ? back : fallback;
}
