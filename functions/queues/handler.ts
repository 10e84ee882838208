import type { DeadLetter } from '../../shared/deps';
import type { Principal } from '../../shared/roles';
import { apiFunction, route } from '../api-function';
import { listDeadLettersOp, redriveDeadLettersOp } from './api';

/**
 * A dead-lettered message is shown only to admins of the province it is addressed to: its `to`, read even from a
 * message that fails the schema. One without a readable receiver stays for whoever operates the whole deployment.
 */
function addressedWithin(prefix: string) {
  return (d: DeadLetter) => {
    try {
      const to = (JSON.parse(d.body) as { to?: unknown }).to;
      return typeof to === 'string' && to.startsWith(prefix);
    } catch {
      return false;
    }
  };
}

const mayOperate = (scope: { require(a: 'queues:operate', t: string): void }, principal: Principal) =>
  scope.require('queues:operate', principal.unit);

export const routes = [
  route(listDeadLettersOp, async ({ params, scope, principal, deps }) => {
    mayOperate(scope!, principal!);
    const [depth, all] = await Promise.all([deps.deadLetters.depth(params.queue), deps.deadLetters.list(params.queue)]);
    return { status: 200, body: { queue: params.queue, depth, items: all.filter(addressedWithin(scope!.prefix)) } };
  }),
  route(redriveDeadLettersOp, async ({ params, scope, principal, deps }) => {
    mayOperate(scope!, principal!);
    const redriven = await deps.deadLetters.redrive(params.queue, addressedWithin(scope!.prefix));
    return { status: 200, body: { queue: params.queue, redriven } };
  }),
];

export const handler = apiFunction(routes);
