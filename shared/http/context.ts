import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { MiddlewareObj } from '@middy/core';
import type { Lang } from '../i18n';
import type { Principal } from '../roles';
import type { Deps } from '../deps';
import type { Operation } from './operation';

export interface Input {
  params: unknown;
  query: unknown;
  body: unknown;
}

/** What an implementation receives: validated input and the verified caller, with the scope the pipeline was given. */
export interface ApiRequest<P = unknown, Q = unknown, B = unknown, S = unknown> {
  params: P;
  query: Q;
  body: B;
  requestId: string;
  lang: Lang;
  /** Scheme and host the request was sent to, for links that must be absolute (feeds). */
  origin: string;
  principal?: Principal;
  scope?: S;
  deps: Deps;
  /** The request as API Gateway sent it: cookies, headers and path, for the routes that serve pages rather than JSON. */
  event: APIGatewayProxyEventV2;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body that is not JSON (an HTML page, a feed): its media type, the body then being the text sent as it is. */
  type?: string;
  /** Set-Cookie values (payload 2.0 carries them apart from the headers). */
  cookies?: string[];
}

export type Implementation = (req: ApiRequest<never, never, never>) => Promise<Reply>;

export interface Binding {
  op: Operation;
  run: Implementation;
}

/** Per-request state the middlewares build up, kept on the Lambda context. */
export interface RequestState {
  binding?: Binding;
  requestId: string;
  lang: Lang;
  startedAt: number;
  principal?: Principal;
  /** Whatever the function's scope resolver made of the principal (the unit rules live above `shared/`). */
  scope?: unknown;
  input?: Input;
  deps: Deps;
}

export type ApiContext = Context & { govtiers: RequestState };
export type ApiMiddleware = MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext>;

export const header = (event: APIGatewayProxyEventV2, name: string): string | undefined => {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === want) return v;
  return undefined;
};
