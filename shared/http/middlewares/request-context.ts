import { ulid } from 'ulid';
import { ApiError } from '../../errors';
import { pickLang } from '../../i18n';
import { header, type ApiMiddleware, type Binding } from '../context';
import type { Deps } from '../../deps';

/**
 * First in the chain: finds the operation for the route, fixes the request id (API Gateway's, else the caller's
 * x-request-id, else a new ULID) and the caller's language.
 */
export const requestContext = (routes: Map<string, Binding>, deps: () => Promise<Deps>): ApiMiddleware => ({
  before: async (request) => {
    const { event } = request;
    request.context.govtiers = {
      binding: routes.get(event.routeKey),
      requestId: event.requestContext?.requestId || header(event, 'x-request-id') || ulid(),
      lang: pickLang(header(event, 'accept-language')),
      startedAt: performance.now(),
      deps: await deps(),
    };
    if (!request.context.govtiers.binding) throw new ApiError('route_not_found');
  },
});
