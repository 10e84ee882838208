// The local HTTP API: turns each HTTP request into the API Gateway v2 (payload 2.0) event the HTTP API would send,
// hands it to the route's function and writes back its answer, as API Gateway does — routes from the manifest,
// `$default` for the rest, the JWT authorizer on `jwt` routes and the 10 MB payload limit included.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ulid } from 'ulid';
import { ApiError } from '../../shared/errors';
import { pickLang } from '../../shared/i18n';
import { jsonReply } from '../../shared/http/reply';
import type { RouteSpec } from '../manifest';
import { routeMatcher } from './route-match';

/** The response header naming the function that served a request (the local gateway's; API Gateway has none). */
export const SERVED_BY_HEADER = 'x-local-function';

/** API Gateway's request payload limit. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** Lambda's limit for a synchronous invocation's payload: the whole event as JSON, not only the body. */
export const MAX_INVOKE_BYTES = 6 * 1024 * 1024;

export type LocalHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export interface GatewayOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  routes: readonly Pick<RouteSpec, 'key' | 'method' | 'path' | 'function' | 'auth'>[];
  /** The function behind `$default`. */
  defaultFunction: string;
  /** Calls a function with an event and returns what its handler returned (throws if it failed). */
  invoke(functionId: string, event: APIGatewayProxyEventV2): Promise<unknown>;
  /** Routes the gateway answers itself, by route key (`POST /local/token`); a manifest route of the same key is taken over. */
  local?: Record<string, LocalHandler>;
  /** API Gateway's JWT authorizer, for routes whose auth is `jwt`: the token's claims, or a throw when it is not valid. */
  authorize?: (token: string) => Promise<Record<string, unknown>>;
  /**
   * Listen on a loopback address only, and answer only requests whose Host header names it (`127.0.0.1:port`,
   * `localhost:port`, `[::1]:port`); any other gets a 421. A page on another site that rebinds its DNS name to this
   * address still sends its own name, so it cannot reach the gateway.
   */
  loopbackOnly?: boolean;
  maxPayloadBytes?: number;
  maxInvokeBytes?: number;
  log?: (line: string) => void;
}

export interface Gateway {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

interface Target {
  key: string;
  method: string;
  path: string;
  function?: string;
  auth?: 'public' | 'jwt';
  local?: LocalHandler;
}

const TOO_LARGE = Symbol('too large');
const CLOSE_GRACE_MS = 5_000;

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const limit = opts.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  const log = opts.log ?? ((line) => console.error(line));
  const targets = new Map<string, Target>(opts.routes.map((r) => [r.key, { ...r }]));
  for (const [key, local] of Object.entries(opts.local ?? {})) {
    const [method = '', path = ''] = key.split(' ');
    targets.set(key, { ...targets.get(key), key, method, path, local });
  }
  const { match } = routeMatcher([...targets.values()]);
  const host = opts.host ?? '127.0.0.1';
  if (opts.loopbackOnly && !isLoopback(host)) throw new Error(`refusing to listen on ${host}: not a loopback address`);
  let allowedHosts: ReadonlySet<string> | undefined;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const requestId = ulid();
    if (allowedHosts && !allowedHosts.has((req.headers.host ?? '').toLowerCase())) {
      misdirected(req, res, requestId);
      return;
    }
    const body = await readBody(req, limit);
    if (body === TOO_LARGE) {
      tooLarge(req, res, requestId);
      return;
    }
    const { rawPath, rawQueryString } = splitUrl(req.url ?? '/');
    const found = match(req.method ?? 'GET', rawPath);
    const target: Target = found?.route ?? { key: '$default', method: '', path: '', function: opts.defaultFunction };
    const event = httpEvent(req, { requestId, routeKey: target.key, rawPath, rawQueryString, params: found?.params, body });

    if (target.auth === 'jwt' && opts.authorize) {
      const claims = await authorize(event, opts.authorize);
      if (!claims) {
        send(res, requestId, {
          statusCode: 401,
          headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
          body: JSON.stringify({ message: 'Unauthorized' }),
        });
        return;
      }
      // What the JWT authorizer adds (APIGatewayProxyEventV2WithJWTAuthorizer); scopes are null for ID tokens.
      Object.assign(event.requestContext, { authorizer: { jwt: { claims, scopes: null } } });
    }

    // A body under API Gateway's limit may still make an event over Lambda's (base64 and JSON escaping inflate it),
    // which the HTTP API answers with a 413 too.
    if (!target.local && Buffer.byteLength(JSON.stringify(event)) > (opts.maxInvokeBytes ?? MAX_INVOKE_BYTES)) {
      tooLarge(req, res, requestId);
      return;
    }

    let result: unknown;
    try {
      result = target.local ? await target.local(event) : await opts.invoke(target.function!, event);
    } catch (e) {
      log(`gateway: ${target.key} (${target.function ?? 'local'}) failed: ${(e as Error).stack ?? String(e)}`);
      send(res, requestId, internalError());
      return;
    }
    const reply = asStructured(result);
    // Locally only: which manifest function answered, so that tests can tell a route's function from $default's.
    if (target.function) reply.headers = { ...reply.headers, [SERVED_BY_HEADER]: target.function };
    send(res, requestId, reply);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (req.destroyed || res.destroyed) return; // the client went away mid-request
      log(`gateway: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) send(res, '', internalError());
      else res.destroy();
    });
  });
  // A client that announces a large body and waits for "100 Continue" (curl does) is answered before it sends it.
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (Number(req.headers['content-length']) > limit) return tooLarge(req, res, ulid());
    res.writeContinue();
    server.emit('request', req, res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject).listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  if (opts.loopbackOnly) allowedHosts = loopbackHosts(host, port);
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // Requests under way may finish; idle keep-alive connections go now, stragglers after a grace period.
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

/** The body, or TOO_LARGE as soon as it exceeds the limit: reading stops there, nothing more is buffered. */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | typeof TOO_LARGE> {
  if (Number(req.headers['content-length']) > limit) return Promise.resolve(TOO_LARGE);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        done();
        req.pause();
        resolve(TOO_LARGE);
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (e: Error) => {
      done();
      reject(e);
    };
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

function tooLarge(req: http.IncomingMessage, res: http.ServerResponse, requestId: string) {
  const lang = pickLang(req.headers['accept-language']);
  const reply = jsonReply(413, new ApiError('payload_too_large').body(lang), requestId);
  // The rest of the body is never read: the connection ends with this answer.
  res.shouldKeepAlive = false;
  send(res, requestId, { ...reply, headers: { ...reply.headers, connection: 'close' } });
}

function misdirected(req: http.IncomingMessage, res: http.ServerResponse, requestId: string) {
  res.shouldKeepAlive = false;
  send(res, requestId, jsonReply(421, new ApiError('misdirected_request').body(pickLang(req.headers['accept-language'])), requestId));
}

/** Whether an address to listen on is a loopback one (127.0.0.0/8, ::1, localhost), reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

/** The Host header values naming a loopback gateway on `port`: its own address, and the loopback names for it. */
export function loopbackHosts(host: string, port: number): Set<string> {
  const own = host.includes(':') ? `[${host}]` : host;
  return new Set([own, '127.0.0.1', 'localhost', '[::1]'].map((h) => `${h.toLowerCase()}:${port}`));
}

function splitUrl(url: string): { rawPath: string; rawQueryString: string } {
  const noFragment = url.split('#')[0]!;
  const q = noFragment.indexOf('?');
  return q < 0 ? { rawPath: noFragment, rawQueryString: '' } : { rawPath: noFragment.slice(0, q), rawQueryString: noFragment.slice(q + 1) };
}

/** Text goes to the function as it is; anything else base64-encoded, as API Gateway does. */
const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|graphql)|application\/[\w.+-]+\+(json|xml))/i;

function httpEvent(
  req: http.IncomingMessage,
  r: { requestId: string; routeKey: string; rawPath: string; rawQueryString: string; params?: Record<string, string>; body: Buffer },
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!values) continue;
    // Payload 2.0 moves cookies out of the headers into their own list.
    if (name === 'cookie') cookies = values.flatMap((v) => v.split(';')).map((c) => c.trim()).filter(Boolean);
    else headers[name] = values.join(',');
  }
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-port'] ??= String(req.socket.localPort ?? '');

  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(r.rawQueryString)) query[k] = k in query ? `${query[k]},${v}` : v;

  const hasBody = r.body.length > 0;
  const text = TEXT_TYPES.test(headers['content-type'] ?? '');
  const method = req.method ?? 'GET';
  const now = new Date();
  const domainName = (headers.host ?? 'localhost').replace(/:\d+$/, '');
  return {
    version: '2.0',
    routeKey: r.routeKey,
    rawPath: r.rawPath,
    rawQueryString: r.rawQueryString,
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(r.params && Object.keys(r.params).length > 0 ? { pathParameters: r.params } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0]!,
      http: { method, path: r.rawPath, protocol: `HTTP/${req.httpVersion}`, sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: r.requestId,
      routeKey: r.routeKey,
      stage: '$default',
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
    },
    ...(hasBody ? { body: text ? r.body.toString('utf8') : r.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !text,
  };
}

/** `12/Mar/2020:19:03:58 +0000`, API Gateway's requestContext.time. */
function apiGatewayTime(d: Date): string {
  const [, day, month, year, time] = /^\w+, (\d+) (\w+) (\d+) ([\d:]+)/.exec(d.toUTCString()) ?? [];
  return `${day}/${month}/${year}:${time} +0000`;
}

async function authorize(
  event: APIGatewayProxyEventV2,
  check: (token: string) => Promise<Record<string, unknown>>,
): Promise<Record<string, string> | undefined> {
  const value = event.headers.authorization?.trim();
  if (!value) return undefined;
  const token = value.replace(/^Bearer\s+/i, '');
  try {
    const claims = await check(token);
    // The authorizer hands claims on as strings.
    return Object.fromEntries(
      Object.entries(claims).map(([k, v]) => [k, typeof v === 'string' ? v : Array.isArray(v) ? `[${v.join(' ')}]` : String(v)]),
    );
  } catch {
    return undefined;
  }
}

const internalError = (): APIGatewayProxyStructuredResultV2 => ({
  statusCode: 500,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message: 'Internal Server Error' }),
});

/** Payload 2.0's reading of a handler's result: a `statusCode` makes it a response; anything else is a 200 JSON body. */
function asStructured(result: unknown): APIGatewayProxyStructuredResultV2 {
  if (result && typeof result === 'object' && 'statusCode' in result) {
    const r = result as APIGatewayProxyStructuredResultV2;
    if (typeof r.statusCode === 'number' && Number.isInteger(r.statusCode)) return r;
    return internalError();
  }
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: typeof result === 'string' ? result : JSON.stringify(result ?? null),
  };
}

function send(res: http.ServerResponse, requestId: string, r: APIGatewayProxyStructuredResultV2) {
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8');
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (r.cookies?.length) headers['set-cookie'] = r.cookies;
  if (requestId) headers['apigw-requestid'] = requestId;
  headers['content-length'] = body.length;
  res.writeHead(r.statusCode ?? 200, headers);
  res.end(body);
}
