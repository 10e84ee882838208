import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Deps } from '../../shared/deps';
import { say, type Lang, type Text } from '../../shared/i18n';
import type { Reply } from '../../shared/http/context';
import { prefsOf, readSession, secureRequest, type Session } from './session';
import { STYLES_CSP } from './styles';

/** Everything a page is rendered with: the reader's language and mode, the session if signed in, where it is served. */
export interface PageContext {
  deps: Deps;
  event: APIGatewayProxyEventV2;
  lang: Lang;
  elder: boolean;
  secure: boolean;
  /** `https://host` as the browser sees it (`WEB_ORIGIN` when set, for a custom domain behind a proxy). */
  origin: string;
  /** The path and query of this page, to come back to after a language switch or a sign-in. */
  here: string;
  signedIn?: { id: string; session: Session };
  /** A word to the reader above the page's content (a form brought back after sign-in says so). */
  notice?: Text;
}

export async function pageContext(deps: Deps, event: APIGatewayProxyEventV2): Promise<PageContext> {
  const secure = secureRequest(event);
  const prefs = prefsOf(event);
  const host = event.headers.host ?? event.requestContext.domainName;
  return {
    deps,
    event,
    ...prefs,
    secure,
    origin: process.env.WEB_ORIGIN || `${secure ? 'https' : 'http'}://${host}`,
    here: event.rawPath + (event.rawQueryString ? `?${event.rawQueryString}` : ''),
    signedIn: await readSession(deps, event),
  };
}

export const t = (ctx: Pick<PageContext, 'lang'>, text: Text) => say(text, ctx.lang);

/**
 * A strict Content Security Policy: no inline script at all and no inline style but the site's own stylesheet, named
 * by its hash; everything else from this origin only, no framing; forms post here only.
 */
export const CSP = `default-src 'none'; style-src 'self' ${STYLES_CSP}; img-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

const PAGE_HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  // Pages depend on the reader's cookies (language, mode, session): never shared by a cache.
  'cache-control': 'private, no-cache',
  vary: 'cookie',
};

export const htmlReply = (status: number, body: string, extra: Partial<Reply> = {}): Reply => ({
  status,
  body,
  type: 'text/html; charset=utf-8',
  ...extra,
  headers: { ...PAGE_HEADERS, ...extra.headers },
});

export const redirect = (location: string, cookies?: string[]): Reply => ({
  status: 303,
  body: '',
  type: 'text/plain; charset=utf-8',
  headers: { location, 'cache-control': 'no-store' },
  ...(cookies ? { cookies } : {}),
});

export function isLoopbackUrl(u: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
}
