import { readAudit } from '../../shared/audit';
import { apiFunction, route } from '../api-function';
import { readAuditOp } from './api';

export const routes = [
  route(readAuditOp, async ({ params, query, scope, deps }) => {
    scope!.require('audit:read', params.code);
    return { status: 200, body: await readAudit(deps.store, params.code, query.limit, query.cursor) };
  }),
];

export const handler = apiFunction(routes);
