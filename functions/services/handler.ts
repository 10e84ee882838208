import { apiFunction, route } from '../api-function';
import type { Deps } from '../../shared/deps';
import { ApiError, notFound } from '../../shared/errors';
import type { Principal } from '../../shared/roles';
import type { Scope } from '../../tenants/scope';
import { presignDownload } from '../uploads/attachments';
import { adoptItem, browse, changeItem, defineItem, getItem, guide, markSeen, readAdoption, search } from './catalog';
import {
  defineBundleOp,
  getBundleOp,
  getSubmissionOp,
  submitBundleOp,
  actOnApplicationOp,
  adoptItemOp,
  browseOp,
  changeItemOp,
  defineItemOp,
  getAdoptionOp,
  getApplicationAttachmentOp,
  getApplicationOp,
  getItemOp,
  guideOp,
  markSeenOp,
  myApplicationsOp,
  progressOp,
  rateOp,
  rectifyOp,
  submitOp,
  supplementOp,
  verifyResultOp,
  worklistOp,
} from './api';
import { act, myApplications, progress, readApplication, submit, supplement, verifyResult, worklist } from './applications';
import { rate, rectify } from './ratings';
import { defineBundle, readBundle, readSubmission, submitBundle } from './bundles';

/** An application as its reader may see it: staff whose scope holds the unit's services, or the applicant. */
async function readable(deps: Deps, scope: Scope, principal: Principal, code: string, id: string) {
  const staff = scope.can('services:read', code);
  if (!staff && principal.role !== 'citizen' && principal.role !== 'business') throw new ApiError('forbidden');
  return readApplication(deps, principal, code, id, staff);
}

const oneFilter = () =>
  new ApiError('validation_failed', [{ path: 'query.q', message: { zh: 'life、biz、q 至多填写一个', en: 'give at most one of life, biz and q' } }]);

export const routes = [
  route(defineItemOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('services:define', params.code);
    return { status: 201, body: await defineItem(deps, principal!, params.code, body) };
  }),
  route(changeItemOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('services:define', params.code);
    const { v, ...input } = body;
    return { status: 200, body: await changeItem(deps, principal!, params.code, params.item, v, input) };
  }),
  route(getItemOp, async ({ params, scope, deps }) => {
    scope!.require('services:read', params.code);
    const item = await getItem(deps.store, params.code, params.item);
    if (!item) throw notFound();
    return { status: 200, body: item };
  }),
  route(adoptItemOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('services:define', params.code);
    const { v, ...input } = body;
    return { status: 200, body: await adoptItem(deps, principal!, params.code, params.definer, params.item, v, input) };
  }),
  route(getAdoptionOp, async ({ params, scope, deps }) => {
    scope!.require('services:read', params.code);
    return { status: 200, body: await readAdoption(deps.store, params.code, params.definer, params.item) };
  }),
  route(markSeenOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('services:define', params.code);
    return { status: 200, body: await markSeen(deps, principal!, params.code, params.definer, params.item, body.rev) };
  }),
  route(browseOp, async ({ params, query, deps }) => {
    const { life, biz, q, limit, cursor } = query;
    if ([life, biz, q].filter((x) => x !== undefined).length > 1) throw oneFilter();
    if (q !== undefined) return { status: 200, body: await search(deps.store, params.code, q, limit) };
    const topic = life ? { life } : biz ? { biz } : undefined;
    return { status: 200, body: await browse(deps.store, params.code, topic, limit, cursor) };
  }),
  route(guideOp, async ({ params, deps }) => {
    return { status: 200, body: await guide(deps.store, params.code, params.definer, params.item) };
  }),
  route(submitOp, async ({ params, body, principal, deps }) => {
    return { status: 201, body: await submit(deps, principal!, params.code, body) };
  }),
  route(getApplicationOp, async ({ params, scope, principal, deps }) => ({
    status: 200,
    body: await readable(deps, scope!, principal!, params.code, params.id),
  })),
  route(getApplicationAttachmentOp, async ({ params, scope, principal, deps }) => {
    const a = await readable(deps, scope!, principal!, params.code, params.id);
    return { status: 200, body: await presignDownload(deps, a.attachments, params.n) };
  }),
  route(actOnApplicationOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('services:handle', params.code);
    return { status: 200, body: await act(deps, principal!, params.code, params.id, body) };
  }),
  route(supplementOp, async ({ params, body, principal, deps }) => {
    return { status: 200, body: await supplement(deps, principal!, params.code, params.id, body) };
  }),
  route(progressOp, async ({ query, deps }) => {
    return { status: 200, body: await progress(deps.store, query.ref, query.name) };
  }),
  route(verifyResultOp, async ({ params, query, deps }) => {
    return { status: 200, body: await verifyResult(deps.store, params.ref, query.code) };
  }),
  route(myApplicationsOp, async ({ query, principal, deps }) => {
    return { status: 200, body: await myApplications(deps.store, principal!, query.limit, query.cursor) };
  }),
  route(worklistOp, async ({ params, query, scope, deps }) => {
    scope!.require('services:read', params.code);
    return { status: 200, body: await worklist(deps.store, params.code, params.dept, query.limit, deps.now(), query.cursor) };
  }),
  route(rateOp, async ({ params, body, principal, deps }) => {
    return { status: 200, body: await rate(deps, principal!, params.code, params.id, body) };
  }),
  route(rectifyOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('services:handle', params.code);
    return { status: 200, body: await rectify(deps, principal!, params.code, params.id, body.step, body.note) };
  }),
  route(defineBundleOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('services:define', params.code);
    return { status: 201, body: await defineBundle(deps, principal!, params.code, body) };
  }),
  route(getBundleOp, async ({ params, deps }) => {
    return { status: 200, body: await readBundle(deps.store, params.code, params.bundle) };
  }),
  route(submitBundleOp, async ({ params, body, principal, deps }) => {
    return { status: 201, body: await submitBundle(deps, principal!, params.code, params.bundle, body) };
  }),
  route(getSubmissionOp, async ({ params, scope, principal, deps }) => {
    const staff = scope!.can('services:read', params.code);
    if (!staff && principal!.role !== 'citizen' && principal!.role !== 'business') throw new ApiError('forbidden');
    return { status: 200, body: await readSubmission(deps, principal!, params.code, params.id, staff) };
  }),
];

export const handler = apiFunction(routes);
