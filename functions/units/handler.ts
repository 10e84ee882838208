import { notFound } from '../../shared/errors';
import { apiFunction, route } from '../api-function';
import { getJob, parseJobId, resumeJob, startImport } from '../../tenants/imports';
import type { Scope } from '../../tenants/scope';
import { changeUnit, createUnit, getUnit, listChildren } from '../../tenants/units';
import { changeUnitOp, createUnitOp, getJobOp, getUnitOp, listChildrenOp, resumeJobOp, startImportOp } from './api';

/** Jobs belong to the unit they were started under; only those who may provision it see them. */
function requireJobScope(jobId: string, scope: Scope) {
  const parsed = parseJobId(jobId);
  if (!parsed) throw notFound();
  scope.require('unit:provision', parsed.under);
}

export const routes = [
  route(createUnitOp, async ({ body, scope, principal, deps }) => {
    scope!.require('unit:provision', body.code);
    return { status: 201, body: await createUnit(deps, principal!, body.code, body.name) };
  }),
  route(getUnitOp, async ({ params, scope, deps }) => {
    scope!.require('unit:read', params.code);
    return { status: 200, body: await getUnit(deps.store, params.code) };
  }),
  route(listChildrenOp, async ({ params, query, scope, deps }) => {
    scope!.require('unit:read', params.code);
    await getUnit(deps.store, params.code);
    return { status: 200, body: await listChildren(deps.store, params.code, query.limit, query.cursor) };
  }),
  route(changeUnitOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('unit:provision', params.code);
    return { status: 200, body: await changeUnit(deps, principal!, params.code, body) };
  }),
  route(startImportOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('unit:provision', params.code);
    const job = await startImport(deps, principal!, params.code, body);
    return { status: 202, body: { jobId: job.jobId, job }, headers: { location: `/v1/jobs/${job.jobId}` } };
  }),
  route(getJobOp, async ({ params, scope, deps }) => {
    requireJobScope(params.jobId, scope!);
    return { status: 200, body: await getJob(deps, params.jobId) };
  }),
  route(resumeJobOp, async ({ params, scope, deps }) => {
    requireJobScope(params.jobId, scope!);
    return { status: 202, body: await resumeJob(deps, params.jobId) };
  }),
];

export const handler = apiFunction(routes);
