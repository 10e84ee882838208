import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Context } from 'aws-lambda';

/** An API Gateway v2 (payload 2.0) event, as the HTTP API sends one. */
export function httpEvent(e: {
  routeKey: string;
  rawPath?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}): APIGatewayProxyEventV2 {
  const [method = 'GET', path = '/'] = e.routeKey.split(' ');
  return {
    version: '2.0',
    routeKey: e.routeKey,
    rawPath: e.rawPath ?? path,
    rawQueryString: new URLSearchParams(e.query ?? {}).toString(),
    headers: e.headers ?? {},
    queryStringParameters: e.query,
    pathParameters: e.pathParameters,
    body: e.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: e.rawPath ?? path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: '',
      routeKey: e.routeKey,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
  };
}

export const lambdaContext = (): Context =>
  ({ functionName: 'test', awsRequestId: 'test', getRemainingTimeInMillis: () => 30_000 }) as unknown as Context;

export interface RouteCall {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  lang?: string;
}

/** Calls a handler as API Gateway would for `routeKey`, with a bearer token and a JSON body: the status and parsed body. */
export async function callRoute(
  handler: (event: APIGatewayProxyEventV2, context: never) => Promise<unknown>,
  token: string,
  routeKey: string,
  opts: RouteCall = {},
) {
  const event = httpEvent({
    routeKey,
    pathParameters: opts.params,
    query: opts.query,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(opts.lang ? { 'accept-language': opts.lang } : {}),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const res = (await handler(event, lambdaContext() as never)) as { statusCode?: number; body?: string };
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
}
