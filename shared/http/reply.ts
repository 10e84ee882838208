import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Reply } from './context';

export function jsonReply(
  status: number,
  body: unknown,
  requestId: string | undefined,
  headers: Record<string, string> = {},
  /** Another media type: `body` is then text, sent as it is. */
  type?: string,
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: {
      'content-type': type ?? 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...(requestId ? { 'x-request-id': requestId } : {}),
      ...headers,
    },
    body: body === undefined ? '' : type ? String(body) : JSON.stringify(body),
  };
}

/** An implementation's reply as the HTTP API's response: JSON unless it names another type, with its cookies. */
export function replyResult(r: Reply, requestId: string | undefined): APIGatewayProxyStructuredResultV2 {
  const out = jsonReply(r.status, r.body, requestId, r.headers, r.type);
  return r.cookies ? { ...out, cookies: r.cookies } : out;
}
