import { listMessages, notifyWrite } from '../../functions/notify/notifications';
import type { Principal } from '../../shared/roles';
import { createDynamoStore } from '../../shared/store/dynamo-store';
import type { Api } from './api';

type Measure = <T>(route: string, what: string, call: () => Promise<T>) => Promise<T>;

/**
 * The in-app inbox's routes. A notification is committed as a producer would and left to the runtime's relay and
 * consumer; the routes are measured once it has arrived, so the delivery's own requests are not counted with them.
 */
export async function notifyRoutes(api: Api, measure: Measure, unit: string) {
  const store = await createDynamoStore();
  const who: Principal = { sub: 'bench-notified', role: 'citizen', unit };
  const text = { zh: '您的诉求已办结', en: 'Your request was closed' };
  await store.transact([notifyWrite({ unit, account: who.sub, channels: ['sms'], text, subject: 'bench/1' }, new Date())]);
  const deadline = Date.now() + 30_000;
  while ((await listMessages({ store }, who, 1)).items.length === 0) {
    if (Date.now() > deadline) throw new Error('the notification was not delivered within 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  const token = await api.token(who);
  const page = await measure('GET /v1/me/messages', 'citizen, one message', () =>
    api.call<{ items: { id: string }[] }>('GET', '/v1/me/messages', { token, expect: 200 }),
  );
  await measure('POST /v1/me/messages/{id}/read', 'first read', () =>
    api.call('POST', `/v1/me/messages/${page.items[0]!.id}/read`, { token, expect: 200 }),
  );
}
