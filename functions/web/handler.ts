import { apiFunction, route } from '../api-function';
import { depsFromEnv } from '../../shared/aws/deps-from-env';
import type { ErrorReply } from '../../shared/http/middlewares/map-errors';
import { header, type Reply } from '../../shared/http/context';
import { pickLang, type Text } from '../../shared/i18n';
import { LEVEL_NAMES } from '../../shared/levels';
import { levelOf } from '../../shared/codes';
import {
  webApplyOp,
  webApplySubmitOp,
  webAssetOp,
  webCallbackOp,
  webCaseOp,
  webCatalogOp,
  webGuideOp,
  webProgressOp,
  webRateOp,
  webSupplementOp,
  webHomeOp,
  webMeOp,
  webPrefsOp,
  webSignInOp,
  webSignOutOp,
  webSitemapOp,
  webUnitOp,
  webDocumentsOp,
  webDocumentOp,
  webDisclosureRequestOp,
  webDisclosureRequestSubmitOp,
  webMyDisclosureRequestOp,
  webTicketFormOp,
  webTicketFileOp,
  webTicketOp,
  webTicketRateOp,
  webLettersOp,
  webFileOp,
  webUploadOp,
} from './api';
import { html } from './html';
import { layout } from './layout';
import { finishSignIn, startSignIn, type PendingSignIn } from './oidc';
import { htmlReply, pageContext, redirect, t, type PageContext } from './page';
import { errorPage, homePage, notFoundPage, searchUnit, sitemap, unitPage } from './pages';
import { catalogPage, guidePage, progressPage } from './services';
import { applyPage, myCasesBlock } from './apply';
import { casePage, ratePost, supplementPost } from './case-actions';
import { CHECK_FILE, CHECK_SCRIPT } from './form-check';
import { documentPage, documentsPage, myRequestPage, myRequestsBlock, requestPage } from './documents';
import { lettersPage, myTicketsBlock, ratePage, ticketPage, writePage } from './tickets';
import { fileDownload } from './files';
import { cookie, cookiesOf, csrfMatches, endSession, localPath, prefCookies, startSession } from './session';
import { PRINT_STYLES, PRINT_STYLES_FILE } from './styles';
import { refusal, UPLOAD_FILE, UPLOAD_SCRIPT, uploadPost } from './uploads';
import { routeKey } from '../../shared/http/operation';

const PENDING_COOKIE = 'signin';
/** Long enough to sign in at the identity provider, short enough not to linger. */
const PENDING_SECONDS = 600;

const L = {
  me: { zh: '我的账户', en: 'My account' },
  role: { zh: '身份', en: 'Signed in as' },
  unit: { zh: '所属区划', en: 'Area' },
  expired: { zh: '登录已过期或未完成，请重新登录。', en: 'Your sign-in expired or did not finish; please sign in again.' },
  signInAgain: { zh: '重新登录', en: 'Sign in again' },
  badForm: { zh: '表单已过期，请返回上一页刷新后再提交。', en: 'This form has expired; go back, reload the page and send it again.' },
} satisfies Record<string, Text>;

const ROLE_NAMES: Record<string, Text> = {
  citizen: { zh: '个人', en: 'Resident' },
  business: { zh: '法人', en: 'Business' },
  staff: { zh: '工作人员', en: 'Staff' },
  'unit-admin': { zh: '单位管理员', en: 'Unit administrator' },
  'province-admin': { zh: '省级管理员', en: 'Province administrator' },
  auditor: { zh: '审计员', en: 'Auditor' },
};

/** Every page through one door: its context, and a page for whatever goes wrong. */
const page = <O extends Parameters<typeof route>[0]>(op: O, render: (ctx: PageContext, req: Parameters<Parameters<typeof route<O>>[1]>[0]) => Promise<Reply>) =>
  route(op, async (req) => {
    const ctx = await pageContext(req.deps, req.event);
    try {
      return await render(ctx, req);
    } catch (e) {
      return errorPage(ctx, e);
    }
  });

const callbackUri = (ctx: PageContext) => `${ctx.origin}/sign-in/callback`;

function signInAgain(ctx: PageContext, back: string, status = 401): Reply {
  const body = html`<h1>${t(ctx, L.signInAgain)}</h1><p>${t(ctx, L.expired)}</p>
<p><a class="button" href="/sign-in?back=${encodeURIComponent(back)}">${t(ctx, L.signInAgain)}</a></p>`;
  return htmlReply(status, layout(ctx, { title: t(ctx, L.signInAgain), body }));
}

export const routes = [
  page(webHomeOp, (ctx) => homePage(ctx)),
  page(webUnitOp, (ctx, { params, query }) => unitPage(ctx, params.code, query.cursor)),
  page(webSitemapOp, (ctx, { params }) => sitemap(ctx, params.code)),
  page(webCatalogOp, (ctx, { params, query }) => catalogPage(ctx, params.code, query)),
  page(webGuideOp, (ctx, { params }) => guidePage(ctx, params.code, params.definer, params.item)),
  page(webProgressOp, (ctx, { query }) => progressPage(ctx, query)),
  page(webApplyOp, (ctx, { params }) => applyPage(ctx, params.code, params.definer, params.item)),
  page(webApplySubmitOp, (ctx, { params, body }) => applyPage(ctx, params.code, params.definer, params.item, body)),
  page(webCaseOp, (ctx, { params, query }) => casePage(ctx, params.code, params.id, query.done ?? query.sent)),
  page(webSupplementOp, (ctx, { params, body }) => supplementPost(ctx, params.code, params.id, body)),
  page(webRateOp, (ctx, { params, body }) => ratePost(ctx, params.code, params.id, body)),
  page(webDocumentsOp, (ctx, { params, query }) => documentsPage(ctx, params.code, query)),
  page(webDocumentOp, (ctx, { params }) => documentPage(ctx, params.publisher, params.id)),
  page(webDisclosureRequestOp, (ctx, { params }) => requestPage(ctx, params.code)),
  page(webDisclosureRequestSubmitOp, (ctx, { params, body }) => requestPage(ctx, params.code, body)),
  page(webMyDisclosureRequestOp, (ctx, { params, query }) => myRequestPage(ctx, params.code, params.id, query.sent === '1')),
  page(webUploadOp, (ctx, { params, body }) => uploadPost(ctx, params.code, body)),
  page(webAssetOp, async (ctx, { params }) => {
    const immutable = { 'cache-control': 'public, max-age=31536000, immutable' };
    if (params.file === PRINT_STYLES_FILE) return { status: 200, body: PRINT_STYLES, type: 'text/css; charset=utf-8', headers: immutable };
    if (params.file === CHECK_FILE) return { status: 200, body: CHECK_SCRIPT, type: 'text/javascript; charset=utf-8', headers: immutable };
    if (params.file === UPLOAD_FILE) return { status: 200, body: UPLOAD_SCRIPT, type: 'text/javascript; charset=utf-8', headers: immutable };
    return notFoundPage(ctx);
  }),
  page(webTicketFormOp, (ctx, { params, query }) => writePage(ctx, params.code, query.mailbox === '1')),
  page(webTicketFileOp, (ctx, { params, body }) => writePage(ctx, params.code, body.mailbox === '1', body)),
  page(webTicketOp, (ctx, { params, query }) => ticketPage(ctx, params.code, params.id, { sent: query.sent === '1', rated: query.rated === '1' })),
  page(webTicketRateOp, (ctx, { params, body }) => ratePage(ctx, params.code, params.id, body)),
  page(webLettersOp, (ctx, { params, query }) => lettersPage(ctx, params.code, query.cursor)),
  page(webFileOp, (ctx, { params }) => fileDownload(ctx, params.kind, params.code, params.id, params.n)),
  page(webPrefsOp, async (ctx, { query }) => {
    const lang = query.lang === 'en' ? 'en' : query.lang === 'zh' ? 'zh-CN' : undefined;
    const elder = query.mode === 'elder' ? true : query.mode === 'standard' ? false : undefined;
    return redirect(localPath(query.back), prefCookies({ lang, elder }, ctx.secure));
  }),
  page(webSignInOp, async (ctx, { query }) => {
    const { url, pending } = await startSignIn(callbackUri(ctx), localPath(query.back));
    return redirect(url, [cookie(PENDING_COOKIE, JSON.stringify(pending), { secure: ctx.secure, maxAge: PENDING_SECONDS })]);
  }),
  page(webCallbackOp, async (ctx) => {
    let pending: PendingSignIn | undefined;
    try {
      pending = JSON.parse(cookiesOf(ctx.event)[PENDING_COOKIE] ?? 'null') as PendingSignIn | undefined;
    } catch {
      pending = undefined;
    }
    const clear = cookie(PENDING_COOKIE, '', { secure: ctx.secure, maxAge: 0 });
    if (!pending?.state) return { ...signInAgain(ctx, '/'), cookies: [clear] };
    let signedIn;
    try {
      signedIn = await finishSignIn(new URL(`${ctx.origin}${ctx.here}`), callbackUri(ctx), pending);
    } catch {
      // A wrong state, a used code, a refused account: nothing is kept; the reader starts again.
      return { ...signInAgain(ctx, localPath(pending.back)), cookies: [clear] };
    }
    const session = await startSession(ctx.deps, signedIn.principal, signedIn.expiresAt, ctx.secure, signedIn.token);
    return redirect(localPath(pending.back), [clear, session]);
  }),
  page(webSignOutOp, async (ctx, { body }) => {
    if (!ctx.signedIn) return redirect('/');
    if (!csrfMatches(ctx.signedIn.session, body.csrf)) {
      return htmlReply(403, layout(ctx, { title: t(ctx, L.badForm), body: html`<h1>${t(ctx, L.badForm)}</h1>` }));
    }
    return redirect('/', [await endSession(ctx.deps, ctx.signedIn.id, ctx.secure)]);
  }),
  page(webMeOp, async (ctx) => {
    if (!ctx.signedIn) return signInAgain(ctx, '/me');
    const p = ctx.signedIn.session.principal;
    const body = html`<h1>${t(ctx, L.me)}</h1>
<dl class="facts"><dt>${t(ctx, L.role)}</dt><dd>${t(ctx, ROLE_NAMES[p.role]!)}</dd>
<dt>${t(ctx, L.unit)}</dt><dd><a href="/units/${p.unit}">${p.unit}</a> (${t(ctx, LEVEL_NAMES[levelOf(p.unit)])})</dd></dl>
${await myCasesBlock(ctx)}
${await myRequestsBlock(ctx)}
${await myTicketsBlock(ctx)}`;
    return htmlReply(200, layout(ctx, { title: t(ctx, L.me), body, crumbs: [{ href: '/', label: t(ctx, { zh: '首页', en: 'Home' }) }, { href: '/me', label: t(ctx, L.me) }] }));
  }),
];

/** The API's own paths: an unknown one there is the API's JSON error, for the program that called it. */
const isApiPath = (path: string) => path === '/v1' || path.startsWith('/v1/');

/**
 * Refusals of the pipeline (a path or query no page takes) as pages too: a bad unit code is a page that is not
 * there, and so is any address no route serves (this function is the gateway's `$default`), except under /v1.
 */
export const errorReply: ErrorReply = async (error, event, deps) => {
  if (error.code === 'route_not_found' && isApiPath(event.rawPath)) return { status: error.status, body: error.body(pickLang(header(event, 'accept-language'))) };
  const ctx = await pageContext(deps ?? (await depsFromEnv()), event);
  // The upload route answers the page's script, not a reader: its refusals stay JSON.
  if (event.routeKey === routeKey(webUploadOp)) return refusal(ctx, error);
  if (error.code === 'route_not_found') return notFoundPage(ctx, await searchUnit(ctx));
  return error.code === 'validation_failed' && error.fields.some((f) => f.path.startsWith('params.')) ? notFoundPage(ctx) : errorPage(ctx, error);
};

export const handler = apiFunction(routes, { errorReply });
