import { apiFunction, route } from '../api-function';
import { isWithin, prefixOf } from '../../shared/codes';
import { ApiError } from '../../shared/errors';
import { toChinaDate } from '../../shared/working-days';
import { getUnit } from '../../tenants/units';
import {
  annualReportOp,
  answerCorrectionOp,
  createDocumentOp,
  documentRecordAttachmentOp,
  documentRecordOp,
  documentVersionsOp,
  feedOp,
  freshnessOp,
  getDocumentAttachmentOp,
  getDocumentOp,
  getRequestOp,
  listDocumentsOp,
  listDraftsOp,
  publishDocumentOp,
  requestActionOp,
  searchOp,
  setIssuerOp,
  submitRequestOp,
  updateDocumentOp,
  withdrawDocumentOp,
} from './api';
import {
  createDocument,
  listDocuments,
  listDrafts,
  publishDraft,
  readHead,
  readPublished,
  readVersions,
  setCreditCode,
  updateDocument,
  withdrawDocument,
} from './documents';
import { claimAttachments, presignDownload } from '../uploads/attachments';
import { atomFeed } from './feed';
import { annualReport, freshness } from './freshness';
import { actOnRequest, answerCorrection, readRequest, submitRequest } from './requests';
import { search } from './search-index';

/** Feed readers poll: a few minutes' caching spares the function without delaying news much. */
const FEED_CACHE = { 'cache-control': 'public, max-age=300' };

export const routes = [
  route(createDocumentOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('tiers:act', params.code);
    const attachments = await claimAttachments(deps, principal!, params.code, 'document', body.attachments);
    return { status: 201, body: await createDocument(deps, principal!, params.code, { ...body, attachments }) };
  }),
  route(publishDocumentOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('tiers:act', params.code);
    return { status: 200, body: await publishDraft(deps, principal!, params.code, params.id, body.v) };
  }),
  route(updateDocumentOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('tiers:act', params.code);
    const attachments = body.attachments && (await claimAttachments(deps, principal!, params.code, 'document', body.attachments));
    return { status: 200, body: await updateDocument(deps, principal!, params.code, params.id, { ...body, ...(attachments ? { attachments } : {}) }) };
  }),
  route(withdrawDocumentOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('tiers:act', params.code);
    return { status: 200, body: await withdrawDocument(deps, principal!, params.code, params.id, body.v, body.reason) };
  }),
  route(listDocumentsOp, async ({ params, query, deps }) => {
    await getUnit(deps.store, params.code);
    return { status: 200, body: await listDocuments(deps.store, params.code, query) };
  }),
  route(getDocumentOp, async ({ params, deps }) => ({ status: 200, body: await readPublished(deps.store, params.code, params.id) })),
  route(getDocumentAttachmentOp, async ({ params, deps }) => {
    const d = await readPublished(deps.store, params.code, params.id);
    return { status: 200, body: await presignDownload(deps, d.attachments, params.n) };
  }),
  route(documentVersionsOp, async ({ params, deps }) => {
    await readPublished(deps.store, params.code, params.id);
    return { status: 200, body: { items: await readVersions(deps.store, params.code, params.id) } };
  }),
  route(documentRecordOp, async ({ params, scope, deps }) => {
    scope!.require('tiers:read', params.code);
    const [document, versions] = await Promise.all([readHead(deps.store, params.code, params.id), readVersions(deps.store, params.code, params.id)]);
    return { status: 200, body: { document, versions } };
  }),
  route(listDraftsOp, async ({ params, query, scope, deps }) => {
    scope!.require('tiers:read', params.code);
    return { status: 200, body: await listDrafts(deps.store, params.code, query) };
  }),
  route(documentRecordAttachmentOp, async ({ params, scope, deps }) => {
    // Drafts and withdrawn documents are the publisher's: the same check as for their record.
    scope!.require('tiers:read', params.code);
    const d = await readHead(deps.store, params.code, params.id);
    return { status: 200, body: await presignDownload(deps, d.attachments, params.n) };
  }),
  route(setIssuerOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('unit:settings', params.code);
    await getUnit(deps.store, params.code);
    return { status: 200, body: await setCreditCode(deps, principal!, params.code, body.creditCode) };
  }),
  route(freshnessOp, async ({ params, scope, deps }) => {
    scope!.require('tiers:read', params.code);
    return { status: 200, body: await freshness(deps.store, params.code, toChinaDate(deps.now())) };
  }),
  route(annualReportOp, async ({ params, query, scope, deps }) => {
    scope!.require('tiers:read', params.code);
    return { status: 200, body: await annualReport(deps.store, params.code, query.year) };
  }),
  route(searchOp, async ({ params, query, deps }) => {
    // On a unit's own pages its ancestors' documents that apply to it are found too; narrowed to a unit below, only
    // what that unit and its subtree published.
    const { unit = params.code, ...rest } = query;
    if (!isWithin(unit, prefixOf(params.code))) {
      throw new ApiError('validation_failed', [{ path: 'query.unit', message: { zh: '只能在本单位及下级单位范围内检索', en: 'the unit must be this unit or one below it' } }]);
    }
    await getUnit(deps.store, params.code);
    return { status: 200, body: await search(deps.store, { ...rest, unit, above: query.unit === undefined }) };
  }),
  route(feedOp, async ({ params, query, origin, deps }) => {
    const unit = await getUnit(deps.store, params.code);
    const page = await listDocuments(deps.store, params.code, { limit: 50, ...query });
    return { status: 200, body: atomFeed(origin, unit, page.items, query.category), headers: FEED_CACHE };
  }),
  route(submitRequestOp, async ({ params, body, principal, deps }) => {
    const unit = await getUnit(deps.store, params.code);
    if (unit.status !== 'active') throw new ApiError('unprocessable', [], { zh: '该单位已停用', en: 'This unit is suspended' });
    return { status: 201, body: await submitRequest(deps, principal!, params.code, body) };
  }),
  route(getRequestOp, async ({ params, scope, principal, deps }) => {
    const staff = principal!.role !== 'citizen' && principal!.role !== 'business';
    if (staff) scope!.require('tiers:read', params.code);
    return { status: 200, body: await readRequest(deps, principal!, staff, params.code, params.id) };
  }),
  route(requestActionOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('tiers:act', params.code);
    return { status: 200, body: await actOnRequest(deps, principal!, params.code, params.id, body) };
  }),
  route(answerCorrectionOp, async ({ params, body, principal, deps }) => ({
    status: 200,
    body: await answerCorrection(deps, principal!, params.code, params.id, body.text),
  })),
];

export const handler = apiFunction(routes);
