import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { FUNCTIONS } from '../../infra/manifest';
import type { Deps } from '../../shared/deps';
import type { TokenVerifier } from '../../shared/auth/token-verifier';
import type { Binding } from '../../shared/http/context';
import type { ErrorReply } from '../../shared/http/middlewares/map-errors';
import { apiFunction } from '../../functions/api-function';
import { routeKey, type Operation } from '../../shared/http/operation';
import { httpEvent, lambdaContext } from './events';

export interface Call {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** Sent as it is, in place of `body` serialised as JSON (no content type is added). */
  rawBody?: string;
  /** The body arrives base64-encoded, as API Gateway sends bodies it takes for binary. */
  base64?: boolean;
  token?: string;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  body: any;
  headers?: Record<string, unknown>;
}

/**
 * Every HTTP function of the manifest, built from its own routes on the deps given, and called with API
 * Gateway v2 events: the whole pipeline without a network or emulators.
 */
export async function inProcessApi(deps: Deps, verifier: TokenVerifier) {
  const handlers = new Map<string, ReturnType<typeof apiFunction>>();
  for (const f of FUNCTIONS.filter((x) => x.operations.length > 0)) {
    const mod = (await import(`../../${f.entry}`)) as { routes: Binding[]; errorReply?: ErrorReply };
    const handler = apiFunction(mod.routes, { deps: async () => deps, verifier: () => verifier, errorReply: mod.errorReply });
    for (const b of mod.routes) handlers.set(routeKey(b.op), handler);
  }
  return async (op: Operation, call: Call = {}): Promise<Answer> => {
    const handler = handlers.get(routeKey(op));
    if (!handler) throw new Error(`no handler for ${routeKey(op)}`);
    // A form route gets its body as a form, as a client of the standard sends it.
    const form = op.bodyType === 'form' && call.body !== null && typeof call.body === 'object' && call.rawBody === undefined;
    // Any value as text, as a form carries it: JSON for what is not a string (String() throws on an object whose
    // toString is not a function, which arbitrary JSON may give).
    const text = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
    const encoded = form ? new URLSearchParams(Object.entries(call.body as object).map(([k, v]): [string, string] => [k, text(v)])).toString() : undefined;
    const event = httpEvent({
      routeKey: routeKey(op),
      pathParameters: call.params,
      query: call.query,
      headers: {
        ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
        ...(call.body !== undefined && call.rawBody === undefined ? { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' } : {}),
        ...call.headers,
      },
      body: call.rawBody ?? encoded ?? (call.body === undefined ? undefined : JSON.stringify(call.body)),
    });
    event.isBase64Encoded = call.base64 ?? false;
    const res = (await handler(event, lambdaContext() as never)) as APIGatewayProxyStructuredResultV2;
    // API Gateway answers a missing status with 502: a reply without one is a defect, never a pass.
    if (typeof res.statusCode !== 'number') throw new Error(`${routeKey(op)} answered without a status: ${JSON.stringify(res)}`);
    const json = /json/.test(String(res.headers?.['content-type'] ?? 'application/json'));
    return { status: res.statusCode, body: res.body ? (json ? JSON.parse(res.body) : res.body) : undefined, headers: res.headers ?? {} };
  };
}
