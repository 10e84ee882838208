import { apiFunction, route } from '../api-function';
import { openApiDocument } from '../../shared/http/openapi';
import { healthOp, openapiOp } from './api';
import { VERSION } from '../../shared/version';

let document: ReturnType<typeof openApiDocument> | undefined;

/** Health and the API description. */
export const routes = [
  route(healthOp, async ({ deps }) => {
    let store: { status: 'ok' | 'down'; detail?: string } = { status: 'ok' };
    try {
      await deps.store.get('registry', { pk: 'health#probe', sk: 'probe' });
    } catch (e) {
      store = { status: 'down', detail: (e as Error).name };
    }
    return { status: 200, body: { status: store.status === 'ok' ? 'ok' : 'degraded', version: VERSION, components: { store } } };
  }),
  route(openapiOp, async () => {
    // Every capability's schemas are only needed here, so they are loaded on the first request for the document.
    const { ALL_OPERATIONS } = await import('../catalog');
    return { status: 200, body: (document ??= openApiDocument(ALL_OPERATIONS, VERSION)) };
  }),
];

export const handler = apiFunction(routes);
