import { ApiError } from '../../errors';
import { logger } from '../../log';
import { BadCursor } from '../../store/store';
import type { ApiMiddleware } from '../context';
import { jsonReply } from '../reply';

/** Last word on every failure: an ApiError becomes its status and body; anything else a logged 500 with the request id. */
export const mapErrors = (): ApiMiddleware => ({
  onError: async (request) => {
    const s = request.context.govtiers;
    const lang = s?.lang ?? 'zh-CN';
    const error = request.error;
    let known = error instanceof ApiError ? error : error instanceof BadCursor ? new ApiError('invalid_cursor') : undefined;
    if (!known) {
      logger.error('unhandled error', { requestId: s?.requestId, route: request.event.routeKey, error: error as Error });
      known = new ApiError('internal');
    }
    request.response = jsonReply(known.status, known.body(lang), s?.requestId);
  },
});
