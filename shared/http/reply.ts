import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

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
