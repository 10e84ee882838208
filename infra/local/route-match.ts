/**
 * API Gateway HTTP API route selection, as a pure function: a request's method and raw path against route templates
 * such as `/v1/units/{code}/children`. Matching is exact (no trailing-slash or case folding); when several routes
 * match, the most specific wins: segment by segment, a static segment beats `{param}`, which beats a greedy
 * `{proxy+}`, and a route's own method beats `ANY`. Nothing matches → undefined (the `$default` route's business).
 */

export interface RouteTemplate {
  /** An HTTP method, or `ANY`. */
  method: string;
  /** `/static/{param}/more/{greedy+}`; a greedy parameter may only end a path. */
  path: string;
}

export interface RouteMatch<R> {
  route: R;
  /** URL-decoded path parameters by name. */
  params: Record<string, string>;
}

type Segment = { kind: 'static'; text: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

interface Compiled<R> {
  route: R;
  method: string;
  segments: Segment[];
}

const splitPath = (path: string): string[] => path.replace(/^\//, '').split('/');

function compile(path: string): Segment[] {
  if (!path.startsWith('/')) throw new Error(`route path must start with '/': ${path}`);
  const parts = splitPath(path);
  return parts.map((part, i): Segment => {
    const param = /^\{([A-Za-z0-9_.-]+)(\+?)\}$/.exec(part);
    if (!param) {
      if (/[{}]/.test(part)) throw new Error(`malformed segment '${part}' in route ${path}`);
      return { kind: 'static', text: part };
    }
    if (param[2] && i !== parts.length - 1) throw new Error(`greedy parameter must be last in route ${path}`);
    return param[2] ? { kind: 'greedy', name: param[1]! } : { kind: 'param', name: param[1]! };
  });
}

const RANK = { static: 0, param: 1, greedy: 2 } as const;

/** Negative when `a` is more specific than `b`. */
function bySpecificity(a: Compiled<unknown>, b: Compiled<unknown>): number {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const x = a.segments[i];
    const y = b.segments[i];
    if (!x || !y) return x ? -1 : 1; // the longer template matched more segments literally
    const d = RANK[x.kind] - RANK[y.kind];
    if (d !== 0) return d;
  }
  return (a.method === 'ANY' ? 1 : 0) - (b.method === 'ANY' ? 1 : 0);
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // a malformed escape is passed on as sent
  }
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (s.kind === 'greedy') {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.join('') === '') return undefined;
      params[s.name] = decode(rest.join('/'));
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (s.kind === 'static') {
      if (part !== s.text) return undefined;
    } else {
      if (part === '') return undefined; // an empty segment fills no parameter
      params[s.name] = decode(part);
    }
  }
  return parts.length === segments.length ? params : undefined;
}

/** Compiles the templates once; `match` then returns the most specific route for a request, if any. */
export function routeMatcher<R extends RouteTemplate>(routes: readonly R[]) {
  const compiled: Compiled<R>[] = routes
    .map((route) => ({ route, method: route.method.toUpperCase(), segments: compile(route.path) }))
    .sort(bySpecificity);
  return {
    match(method: string, rawPath: string): RouteMatch<R> | undefined {
      const m = method.toUpperCase();
      const parts = splitPath(rawPath);
      for (const c of compiled) {
        if (c.method !== m && c.method !== 'ANY') continue;
        const params = matchSegments(c.segments, parts);
        if (params) return { route: c.route, params };
      }
      return undefined;
    },
  };
}
