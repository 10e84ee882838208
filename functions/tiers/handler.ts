import { apiFunction, route } from '../api-function';
import { ApiError } from '../../shared/errors';
import { getUnit } from '../../tenants/units';
import {
  acknowledgeOp,
  addInstructionOp,
  caseActionOp,
  createAssignmentOp,
  createDataRequestOp,
  dataRequestCsvOp,
  getAssignmentOp,
  getDataRequestOp,
  listSentDataRequestsOp,
  getCaseOp,
  getSentNoticeOp,
  inboxNoticeOp,
  inboxOp,
  listCasesOp,
  listSentAssignmentsOp,
  listSentNoticesOp,
  publishNoticeOp,
  superviseOp,
  unsignedOp,
} from './api';
import { actOnAssignment, ASSIGNMENTS, createAssignment, readAssignment } from './assignments';
import { actOnDataRequest, createDataRequest, DATA_REQUESTS, dataRequestCsv, readDataRequest } from './data-requests';
import { rulesOf } from './effects';
import { escalate, heldCase, readCase, supervise } from './escalation';
import { listCases, listSentNotices, listSentTasks } from './lists';
import { acknowledge, addInstruction, publishNotice, readAddressed, readInbox, readSent, unsigned } from './notices';

const reasonRequired = () =>
  new ApiError('validation_failed', [{ path: 'body.note', message: { zh: '请填写上报理由', en: 'a reason for escalating is required' } }]);

export const routes = [
  route(createAssignmentOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('tiers:act', params.code);
    return { status: 201, body: await createAssignment(deps, principal!, params.code, body) };
  }),
  route(getAssignmentOp, async ({ params, scope, deps }) => {
    scope!.require('tiers:read', params.code);
    return { status: 200, body: await readAssignment(deps, params.code, params.id) };
  }),
  route(getCaseOp, async ({ params, scope, deps }) => {
    scope!.require('tiers:read', params.code);
    return { status: 200, body: await readCase(deps, params.code, params.kind, params.id) };
  }),
  route(caseActionOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('tiers:act', params.code);
    if (body.action === 'escalate') {
      if (!body.note) throw reasonRequired();
      const c = await heldCase(deps, params.code, params.kind, params.id);
      return { status: 200, body: await escalate(deps, principal!, c, rulesOf(params.kind), body.note) };
    }
    // Tasks sent down take their steps here; the other kinds of case have routes of their own.
    if (params.kind === DATA_REQUESTS.kind) {
      return { status: 200, body: await actOnDataRequest(deps, principal!, params.code, params.id, body.action, body.note, body.rows) };
    }
    return { status: 200, body: await actOnAssignment(deps, principal!, params.code, params.id, body.action, body.note) };
  }),
  route(superviseOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('tiers:supervise', params.code);
    return { status: 201, body: await supervise(deps, principal!, principal!.unit, params.code, params.kind, params.id, body.comment) };
  }),
  route(publishNoticeOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('tiers:act', params.code);
    return { status: 201, body: await publishNotice(deps, principal!, params.code, body) };
  }),
  route(getSentNoticeOp, async ({ params, scope, deps }) => {
    scope!.require('tiers:read', params.code);
    return { status: 200, body: await readSent(deps.store, params.code, params.id) };
  }),
  route(unsignedOp, async ({ params, query, scope, deps }) => {
    scope!.require('tiers:read', params.code);
    return { status: 200, body: await unsigned(deps.store, params.code, params.id, query.level, query.limit, query.cursor) };
  }),
  route(inboxOp, async ({ params, query, scope, deps }) => {
    scope!.require('tiers:read', params.code);
    await getUnit(deps.store, params.code);
    return { status: 200, body: await readInbox(deps.store, params.code, query.limit, query.cursor) };
  }),
  route(inboxNoticeOp, async ({ params, scope, deps }) => {
    scope!.require('tiers:read', params.code);
    return { status: 200, body: await readAddressed(deps.store, params.code, params.from, params.id) };
  }),
  route(acknowledgeOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('tiers:act', params.code);
    return { status: 200, body: await acknowledge(deps, principal!, params.code, params.from, params.id, body.kind) };
  }),
  route(addInstructionOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('tiers:act', params.code);
    return { status: 201, body: await addInstruction(deps, principal!, params.code, params.from, params.id, body.text) };
  }),
  route(listCasesOp, async ({ params, query, scope, deps }) => {
    scope!.require('tiers:read', params.code);
    return { status: 200, body: await listCases(deps.store, params.code, { kind: query.kind, open: query.open === '1', limit: query.limit, cursor: query.cursor }) };
  }),
  route(listSentAssignmentsOp, async ({ params, query, scope, deps }) => {
    scope!.require('tiers:read', params.code);
    return { status: 200, body: await listSentTasks(deps.store, ASSIGNMENTS, params.code, query.limit, query.cursor) };
  }),
  route(createDataRequestOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('tiers:act', params.code);
    return { status: 201, body: await createDataRequest(deps, principal!, params.code, body) };
  }),
  route(getDataRequestOp, async ({ params, scope, deps }) => {
    scope!.require('tiers:read', params.code);
    return { status: 200, body: await readDataRequest(deps, params.code, params.id) };
  }),
  route(dataRequestCsvOp, async ({ params, scope, deps }) => {
    scope!.require('tiers:read', params.code);
    const csv = await dataRequestCsv(deps, params.code, params.id);
    return {
      status: 200,
      body: csv,
      type: 'text/csv; charset=utf-8',
      headers: { 'content-disposition': `attachment; filename="data-request-${params.id}.csv"` },
    };
  }),
  route(listSentDataRequestsOp, async ({ params, query, scope, deps }) => {
    scope!.require('tiers:read', params.code);
    return { status: 200, body: await listSentTasks(deps.store, DATA_REQUESTS, params.code, query.limit, query.cursor) };
  }),
  route(listSentNoticesOp, async ({ params, query, scope, deps }) => {
    scope!.require('tiers:read', params.code);
    return { status: 200, body: await listSentNotices(deps.store, params.code, query.limit, query.cursor) };
  }),
];

export const handler = apiFunction(routes);
