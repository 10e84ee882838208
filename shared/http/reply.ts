import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** A body that is not JSON, sent as the operation's content type says. */
export function textReply(
  status: number,
  body: string,
  contentType: string,
  requestId: string | undefined,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  const reply = jsonReply(status, undefined, requestId, headers);
  return { ...reply, headers: { ...reply.headers, 'content-type': contentType }, body };
}

export function jsonReply(
  status: number,
  body: unknown,
  requestId: string | undefined,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...(requestId ? { 'x-request-id': requestId } : {}),
      ...headers,
    },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}
