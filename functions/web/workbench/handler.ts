import { apiFunction, route } from '../../api-function';
import { depsFromEnv } from '../../../shared/aws/deps-from-env';
import type { ErrorReply } from '../../../shared/http/middlewares/map-errors';
import type { Reply } from '../../../shared/http/context';
import type { Binding } from '../../../shared/http/context';
import { pageContext, type PageContext } from '../page';
import { errorPage, notFoundPage } from '../pages';
import { admin, auditPage, changePeople, changeUnit, jobPage, peoplePage, SCRIPT_FILE, startImport, unitPage, WB_SCRIPT } from './admin';
import {
  workAckOp,
  workAssetOp,
  workApplicationActionOp,
  workApplicationOp,
  workAssignmentOp,
  workAssignOp,
  workAuditOp,
  workCaseActionOp,
  workCaseOp,
  workChartOp,
  workDataRequestCsvOp,
  workDataRequestOp,
  workDashboardOp,
  workDocumentActionOp,
  workDocumentOp,
  workDocumentsOp,
  workHomeOp,
  workImportOp,
  workInboxOp,
  workJobOp,
  workNewDocumentOp,
  workNewNoticeOp,
  workNoticeOp,
  workPeopleChangeOp,
  workPeopleOp,
  workSentNoticeOp,
  workSettingsChangeOp,
  workSettingsOp,
  workUnitChangeOp,
  workUnitOp,
  workTicketOp,
  workTicketActionOp,
  workRequestOp,
  workRequestActionOp,
  workFileOp,
} from './api';
import { actOnApplication, applicationPage } from './applications';
import { dataRequestCsv, dataRequestPage } from './data-requests';
import { fileDownload } from './files';
import { httpClient, type ApiClient } from './client';
import { chartSvg, daysOf, dashboardPage } from './dashboard';
import { actOnDocument, createDocument, documentPage, documentsPage } from './publishing';
import { changeSettings, settingsPage } from './settings';
import { badForm, formOk, isReply, PageRefusal, refusalPage, staffOf, STYLE_FILE, WB_STYLES, type Staff } from './shell';
import { actOnRequest, requestPage } from './requests';
import { actOnTicket, ticketPage } from './tickets';
import { acknowledge, actOnCase, assign, assignmentPage, casePage, inboxPage, noticePage, publishNotice, sentNoticePage, statusOf, worklistPage } from './tiers';

type ClientFor = (ctx: PageContext) => ApiClient;

/** The API of this deployment with the session's ID token. */
const httpClientFor: ClientFor = (ctx) => {
  const token = ctx.signedIn?.session.token;
  if (!token) return async () => ({ status: 401, body: { error: { code: 'unauthorized', message: 'sign in again', fields: [] } } });
  return httpClient(process.env.API_URL || ctx.origin, token, ctx.lang);
};

/** The workbench's routes over a way to reach the API (HTTP when deployed and run locally; in-process in tests). */
export function workbenchRoutes(clientFor: ClientFor): Binding[] {
  /** Every page: signed in as staff, a refusal of a read shown as a page, anything else the portal's error page. */
  const page = <O extends Parameters<typeof route>[0]>(op: O, render: (s: Staff, req: Parameters<Parameters<typeof route<O>>[1]>[0]) => Promise<Reply>, post = false) =>
    route(op, async (req) => {
      const ctx = await pageContext(req.deps, req.event);
      const s = staffOf(ctx, clientFor);
      if (isReply(s)) return s;
      if (post && !formOk(s, (req.body as { csrf?: string } | undefined)?.csrf)) return badForm(s);
      try {
        return await render(s, req);
      } catch (e) {
        return e instanceof PageRefusal ? refusalPage(s, e.refusal) : errorPage(ctx, e);
      }
    });
  return [
    page(workHomeOp, (s, { query }) => worklistPage(s, query)),
    page(workInboxOp, (s) => inboxPage(s)),
    page(workNoticeOp, (s, { params }) => noticePage(s, params.from, params.id)),
    page(workAckOp, (s, { params, body }) => acknowledge(s, params.from, params.id, body.kind), true),
    page(workSentNoticeOp, (s, { params }) => sentNoticePage(s, params.id)),
    page(workNewNoticeOp, (s, { body }) => publishNotice(s, body), true),
    page(workCaseOp, (s, { params }) => casePage(s, params)),
    page(workCaseActionOp, (s, { params, body }) => actOnCase(s, params, body), true),
    page(workApplicationOp, (s, { params }) => applicationPage(s, params.unit, params.id)),
    page(workApplicationActionOp, (s, { params, body }) => actOnApplication(s, params.unit, params.id, body), true),
    page(workAssignmentOp, (s, { params }) => assignmentPage(s, params.id)),
    page(workDataRequestOp, (s, { params }) => dataRequestPage(s, params.id, (k) => statusOf(s, k))),
    page(workDataRequestCsvOp, (s, { params }) => dataRequestCsv(s, params.id)),
    page(workAssignOp, (s, { body }) => assign(s, body), true),
    page(workUnitOp, (s, { params, query }) => unitPage(s, params.code, query.cursor)),
    page(workUnitChangeOp, (s, { params, body }) => changeUnit(s, params.code, body), true),
    page(workImportOp, (s, { params, body }) => startImport(s, params.code, body.tree), true),
    page(workJobOp, (s, { params }) => jobPage(s, params.jobId)),
    page(workPeopleOp, (s, { params }) => peoplePage(s, params.code)),
    page(workPeopleChangeOp, (s, { params, body }) => (admin(s) ? changePeople(s, params.code, body) : peoplePage(s, params.code)), true),
    page(workSettingsOp, (s, { params, query }) => settingsPage(s, params.code, undefined, query.saved)),
    page(workSettingsChangeOp, (s, { params, body }) => changeSettings(s, params.code, body), true),
    page(workDocumentsOp, (s, { params, query }) => documentsPage(s, params.code, query)),
    page(workNewDocumentOp, (s, { params, body }) => createDocument(s, params.code, body), true),
    page(workDocumentOp, (s, { params, query }) => documentPage(s, params.code, params.id, query.done)),
    page(workDocumentActionOp, (s, { params, body }) => actOnDocument(s, params.code, params.id, body), true),
    page(workAuditOp, (s, { params, query }) => auditPage(s, params.code, query.cursor, query.verify === '1')),
    page(workDashboardOp, (s, { params, query }) => dashboardPage(s, params.code, query)),
    page(workChartOp, (s, { params, query }) => chartSvg(s, params.code, daysOf(query.days))),
    page(workTicketOp, (s, { params, query }) => ticketPage(s, params.home, params.id, undefined, query.done)),
    page(workTicketActionOp, (s, { params, body }) => actOnTicket(s, params.home, params.id, body), true),
    page(workRequestOp, (s, { params, query }) => requestPage(s, params.unit, params.id, undefined, query.done)),
    page(workRequestActionOp, (s, { params, body }) => actOnRequest(s, params.unit, params.id, body), true),
    page(workFileOp, (s, { params }) => fileDownload(s, params.kind, params.unit, params.id, params.n)),
    route(workAssetOp, async ({ params, deps, event }) => {
      const immutable = { 'cache-control': 'public, max-age=31536000, immutable' };
      if (params.file === STYLE_FILE) return { status: 200, body: WB_STYLES, type: 'text/css; charset=utf-8', headers: immutable };
      if (params.file === SCRIPT_FILE) return { status: 200, body: WB_SCRIPT, type: 'text/javascript; charset=utf-8', headers: immutable };
      return notFoundPage(await pageContext(deps, event));
    }),
  ];
}

export const routes = workbenchRoutes(httpClientFor);

const errorReply: ErrorReply = async (error, event, deps) => {
  const ctx = await pageContext(deps ?? (await depsFromEnv()), event);
  return error.code === 'validation_failed' && error.fields.some((f) => f.path.startsWith('params.')) ? notFoundPage(ctx) : errorPage(ctx, error);
};

export const handler = apiFunction(routes, { errorReply });
