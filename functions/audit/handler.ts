import { readAudit, verifyChain } from '../../shared/audit';
import { apiFunction, route } from '../api-function';
import { readAuditOp, verifyAuditOp } from './api';

export const routes = [
  route(readAuditOp, async ({ params, query, scope, deps }) => {
    scope!.require('audit:read', params.code);
    return { status: 200, body: await readAudit(deps.store, params.code, query.limit, query.cursor) };
  }),
  route(verifyAuditOp, async ({ params, scope, deps }) => {
    scope!.require('audit:read', params.code);
    return { status: 200, body: await verifyChain(deps, params.code) };
  }),
];

export const handler = apiFunction(routes);
