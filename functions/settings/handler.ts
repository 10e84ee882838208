import { apiFunction, route } from '../api-function';
import { toChinaDate } from '../../shared/working-days';
import { dueDate, putSettings, readSettings } from '../../tenants/settings';
import { getSettingsOp, putSettingsOp, workingDaysOp } from './api';

export const routes = [
  route(getSettingsOp, async ({ params, scope, deps }) => {
    scope!.require('unit:read', params.code);
    return { status: 200, body: await readSettings(deps.store, params.code) };
  }),
  route(putSettingsOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('unit:settings', params.code);
    const { v, ...overrides } = body;
    return { status: 200, body: await putSettings(deps, principal!, params.code, v, overrides) };
  }),
  route(workingDaysOp, async ({ params, query, scope, deps }) => {
    scope!.require('unit:read', params.code);
    const from = query.from ?? toChinaDate(deps.now());
    return { status: 200, body: await dueDate(deps.store, params.code, from, query) };
  }),
];

export const handler = apiFunction(routes);
