import { logger } from '../../log';
import type { ApiMiddleware } from '../context';

/** One structured line per request (Powertools logger; personal data masked by its replacer). */
export const accessLog = (): ApiMiddleware => {
  const done: NonNullable<ApiMiddleware['after']> = async (request) => {
    const s = request.context.govtiers;
    if (!s) return;
    logger.info('request', {
      requestId: s.requestId,
      route: request.event.routeKey,
      status: request.response?.statusCode,
      ms: Math.round((performance.now() - s.startedAt) * 10) / 10,
      sub: s.principal?.sub,
      role: s.principal?.role,
      unit: s.principal?.unit,
    });
  };
  return { after: done, onError: done };
};
