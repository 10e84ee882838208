import type { Lang } from '../../../shared/i18n';
import type { Operation } from '../../../shared/http/operation';

/** A call of one API operation: path parameters, query and JSON body. */
export interface ApiCall {
  params?: Record<string, string>;
  query?: Record<string, string | undefined>;
  body?: unknown;
}

export interface ApiAnswer {
  status: number;
  body: any;
}

/** The API as the signed-in person: every action of the workbench goes through it, with its checks and its refusals. */
export type ApiClient = (op: Operation, call?: ApiCall) => Promise<ApiAnswer>;

export function pathOf(op: Operation, call: ApiCall): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(call.params?.[k] ?? ''));
  const q = new URLSearchParams(Object.entries(call.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
  return q.size ? `${path}?${q}` : path;
}

/**
 * Over HTTP to the API of this deployment (`API_URL`, by default the origin the page was served from, since the
 * pages are routes of the same HTTP API), with the session's ID token: the workbench needs no table, queue or key
 * of its own, and a refusal is exactly the API's, in the reader's language.
 */
export const httpClient =
  (base: string, token: string, lang: Lang): ApiClient =>
  async (op, call = {}) => {
    const res = await fetch(`${base}${pathOf(op, call)}`, {
      method: op.method,
      headers: {
        authorization: `Bearer ${token}`,
        'accept-language': lang,
        ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: AbortSignal.timeout(25_000),
    });
    const text = await res.text();
    // A CSV (or any answer that is not JSON) is handed on as text when the API says that is what it sent.
    if (res.ok && !/json/.test(res.headers.get('content-type') ?? 'application/json')) return { status: res.status, body: text };
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = { error: { code: 'bad_gateway', message: text.slice(0, 200), fields: [] } };
    }
    return { status: res.status, body };
  };
