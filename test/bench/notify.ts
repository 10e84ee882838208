import { notifyWrite } from '../../functions/notify/notifications';
import { deliver } from '../../functions/tiers/consumer';
import { depsFromEnv } from '../../shared/aws/deps-from-env';
import type { Write } from '../../shared/store/store';
import type { OutboxItem } from '../../shared/tiers/outbox';
import type { Principal } from '../../shared/roles';
import { createDynamoStore } from '../../shared/store/dynamo-store';
import type { Api } from './api';

type Measure = <T>(route: string, what: string, call: () => Promise<T>) => Promise<T>;

/**
 * The in-app inbox's routes. A notification is committed as a producer would, then delivered here through the
 * consumer's own code (the bench keeps the tier transport still while routes are counted), before the routes are
 * measured, so the delivery's requests are not counted with them.
 */
export async function notifyRoutes(api: Api, measure: Measure, unit: string) {
  const store = await createDynamoStore();
  const who: Principal = { sub: 'bench-notified', role: 'citizen', unit };
  const text = { zh: '您的诉求已办结', en: 'Your request was closed' };
  const write = notifyWrite({ unit, account: who.sub, channels: [], text, subject: 'bench/1' }, new Date());
  await store.transact([write]);
  const { message } = (write as Extract<Write, { op: 'put' }>).item as OutboxItem;
  await deliver(await depsFromEnv(), JSON.stringify(message));
  const token = await api.token(who);
  const page = await measure('GET /v1/me/messages', 'citizen, one message', () =>
    api.call<{ items: { id: string }[] }>('GET', '/v1/me/messages', { token, expect: 200 }),
  );
  await measure('POST /v1/me/messages/{id}/read', 'first read', () =>
    api.call('POST', `/v1/me/messages/${page.items[0]!.id}/read`, { token, expect: 200 }),
  );
}
