import { apiFunction, route } from '../api-function';
import { readStatsOp } from './api';
import { readStats } from './rollup';

export const routes = [
  route(readStatsOp, async ({ params, query, scope, deps }) => {
    scope!.require('stats:read', params.code);
    return { status: 200, body: await readStats(deps, params.code, query.from, query.to) };
  }),
];

export const handler = apiFunction(routes);
