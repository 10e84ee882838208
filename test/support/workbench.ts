import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { apiFunction } from '../../functions/api-function';
import { workbenchRoutes } from '../../functions/web/workbench/handler';
import type { ApiClient } from '../../functions/web/workbench/client';
import { startSession } from '../../functions/web/session';
import { httpEvent, lambdaContext } from './events';
import type { tierWorld } from './tier-world';

type World = Awaited<ReturnType<typeof tierWorld>>;

/** The workbench on the in-memory world, reaching the API in process with the signed-in person's token. */
export async function workbench(w: World) {
  const keyOf = new Map(Object.entries(w.people).map(([k, p]) => [p.sub, k]));
  const routes = workbenchRoutes(
    (ctx): ApiClient =>
      (op, call = {}) =>
        w.api(op, {
          params: call.params,
          query: Object.fromEntries(Object.entries(call.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined)),
          body: call.body,
          token: w.token(keyOf.get(ctx.signedIn!.session.principal.sub)!),
          headers: { 'accept-language': ctx.lang },
        }),
  );
  const handler = apiFunction(routes, { deps: async () => w.deps });
  const sessions = new Map<string, { cookie: string }>();
  async function session(who: string) {
    if (!sessions.has(who)) {
      const set = await startSession(w.deps, w.people[who]!, Math.floor(w.deps.now().getTime() / 1000) + 3600, false);
      const cookie = set.split(';')[0]!;
      sessions.set(who, { cookie });
    }
    return sessions.get(who)!;
  }
  async function call(method: 'GET' | 'POST', routePath: string, path: string, who: string | undefined, form?: Record<string, string | string[]>) {
    const params: Record<string, string> = {};
    const names = [...routePath.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const re = new RegExp(`^${routePath.replace(/\{\w+\}/g, '([^/]+)').replace(/\./g, '\\.')}$`);
    const [pathOnly, qs] = path.split('?');
    const m = re.exec(pathOnly!);
    if (!m) throw new Error(`${path} is not ${routePath}`);
    names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
    const s = who ? await session(who) : undefined;
    const body = form ? new URLSearchParams(Object.entries(form).flatMap(([k, v]): [string, string][] => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v]]))).toString() : undefined;
    const event = httpEvent({
      routeKey: `${method} ${routePath}`,
      rawPath: pathOnly,
      pathParameters: params,
      query: qs ? Object.fromEntries(new URLSearchParams(qs)) : undefined,
      headers: { host: '127.0.0.1:3000', 'x-forwarded-proto': 'http', ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body,
    });
    if (s) event.cookies = [s.cookie];
    const res = (await handler(event, lambdaContext() as never)) as APIGatewayProxyStructuredResultV2;
    const html = String(res.body ?? '');
    return { status: res.statusCode!, html, location: res.headers?.location as string | undefined, headers: res.headers ?? {} };
  }
  const get = (routePath: string, path: string, who?: string) => call('GET', routePath, path, who);
  /** Posts a form the way the page does: with the CSRF token the reader's page carries. */
  const post = async (routePath: string, path: string, who: string, form: Record<string, string | string[]>) => {
    const page = await get('/work', '/work', who);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
    return call('POST', routePath, path, who, { csrf, ...form });
  };
  return { get, post, call };
}

