import { ApiError } from '../../errors';
import { logger } from '../../log';
import { BadCursor } from '../../store/store';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ApiMiddleware, Reply } from '../context';
import type { Deps } from '../../deps';
import { jsonReply, replyResult } from '../reply';

/** How a function answers a refusal in its own media type (a page for the web function); JSON otherwise. */
export type ErrorReply = (error: ApiError, event: APIGatewayProxyEventV2, deps: Deps | undefined) => Promise<Reply>;

/** A cursor that is not one this listing issued: the caller's `cursor` parameter is what is wrong. */
const badCursor = () =>
  new ApiError('invalid_cursor', [
    { path: 'query.cursor', message: { zh: '该游标不是这次列表查询返回的，请从第一页重新开始', en: 'This cursor was not issued by this listing; start again from the first page' } },
  ]);

/** Last word on every failure: an ApiError becomes its status and body; anything else a logged 500 with the request id. */
export const mapErrors = (errorReply?: ErrorReply): ApiMiddleware => ({
  onError: async (request) => {
    const s = request.context.govtiers;
    const lang = s?.lang ?? 'zh-CN';
    const error = request.error;
    let known = error instanceof ApiError ? error : error instanceof BadCursor ? badCursor() : undefined;
    if (!known) {
      logger.error('unhandled error', { requestId: s?.requestId, route: request.event.routeKey, error: error as Error });
      known = new ApiError('internal');
    }
    if (errorReply && known.status < 500) {
      request.response = replyResult(await errorReply(known, request.event, s?.deps), s?.requestId);
      return;
    }
    const format = s?.binding?.op.errorFormat;
    const body = known.body(lang);
    request.response = jsonReply(known.status, format ? format.body(body.error, known.status) : body, s?.requestId);
  },
});
