import { apiFunction, route } from '../api-function';
import { listMessagesOp, readMessageOp } from './api';
import { listMessages, markRead } from './notifications';

// Every signed-in account has an inbox; the token's subject alone names it, so no unit rule applies.
export const routes = [
  route(listMessagesOp, async ({ query, scope, deps }) => ({
    status: 200,
    body: await listMessages(deps, scope!.principal, query.limit, query.cursor),
  })),
  route(readMessageOp, async ({ params, scope, deps }) => ({ status: 200, body: await markRead(deps, scope!.principal, params.id) })),
];

export const handler = apiFunction(routes);
