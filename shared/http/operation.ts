import type * as z from '../zod';
import type { Text } from '../i18n';
import type { Role } from '../roles';
import type { ErrorCode } from '../errors';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One HTTP operation: its route, who may reach it and its zod schemas. The schemas validate requests, type the
 * implementation and generate the OpenAPI document; the route feeds the stack and the local gateway.
 */
export interface Operation {
  id: string;
  method: Method;
  path: string;
  summary: Text;
  tag: string;
  auth: 'public' | 'jwt';
  /**
   * The only roles that can ever be allowed here, whatever the unit: anyone else is refused right after sign-in,
   * before the body is read. Absent where the target unit or the body decides.
   */
  roles?: readonly Role[];
  params?: z.ZodMiniObject;
  query?: z.ZodMiniObject;
  body?: z.ZodMiniType;
  /**
   * The errors its implementation can answer with (not found, conflicts...). Those of the pipeline (bad input,
   * sign-in, media type, size) follow from the rest of the operation; the OpenAPI document lists both.
   */
  errors?: readonly ErrorCode[];
  /** Largest accepted body in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  /**
   * How the body is encoded: JSON (the default), or an HTML form (`application/x-www-form-urlencoded`), which
   * arrives at the schema as an object of strings (a list for a name sent more than once: checkboxes). For routes
   * a standard defines (Open311's POST requests) and the web pages' forms.
   */
  bodyType?: 'json' | 'form';
  /**
   * A standard's own error body for this route (Open311's `[{code, description}]`) in place of the platform's
   * `{error}`: the same errors with the same statuses, written its way, and documented with `schema`.
   */
  errorFormat?: { schema: z.ZodMiniType; body: (error: ErrorBody, status: number) => unknown };
  /** Success status and the schema of its body. */
  response: { status: number; schema: z.ZodMiniType; /** Media type when not JSON (pages: text/html). */ type?: string };
}

/** The platform's error, as `ApiError.body` gives it in the caller's language. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  fields: { path: string; message: string }[];
}

export const routeKey = (o: Pick<Operation, 'method' | 'path'>) => `${o.method} ${o.path}`;

export const operation = <const O extends Operation>(o: O): O => o;

type Infer<S> = S extends z.ZodMiniType ? z.output<S> : undefined;
export type ParamsOf<O extends Operation> = Infer<O['params']>;
export type QueryOf<O extends Operation> = Infer<O['query']>;
export type BodyOf<O extends Operation> = Infer<O['body']>;
export type ResponseOf<O extends Operation> = z.input<O['response']['schema']>;
