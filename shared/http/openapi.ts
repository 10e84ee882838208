import * as z from '../zod';
import type { Operation } from './operation';
import { ERRORS, type ErrorCode } from '../errors';

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })),
  }),
});

/** Definitions of recursive schemas, hoisted from where zod puts them into the document's components. */
type Components = Record<string, unknown>;

const schemaIn = (components: Components, name: string) => (s: z.ZodMiniType, io: 'input' | 'output') => {
  const { $schema: _, $defs, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' });
  if (!$defs) return rest;
  // zod refers to its definitions as #/$defs/X, relative to a root that is not the document's root.
  const rename = (id: string) => `${name}_${io}_${id}`;
  const relink = (value: unknown) =>
    JSON.parse(JSON.stringify(value).replace(/"#\/\$defs\/([^"]+)"/g, (_m, id: string) => `"#/components/schemas/${rename(id)}"`));
  for (const [id, def] of Object.entries($defs)) components[rename(id)] = relink(def);
  return relink(rest);
};
const schema = schemaIn({}, 'shared');

/** Path parameters and query fields of an operation as OpenAPI parameters. */
function parameters(op: Operation, schema: ReturnType<typeof schemaIn>) {
  const list = (obj: z.ZodMiniObject | undefined, where: 'path' | 'query') =>
    Object.entries(obj?.shape ?? {}).map(([name, s]) => ({
      name,
      in: where,
      required: where === 'path' || !(s as z.ZodMiniType).safeParse(undefined).success,
      schema: schema(s as z.ZodMiniType, 'input'),
    }));
  return [...list(op.params, 'path'), ...list(op.query, 'query')];
}

/**
 * Every error an operation can answer with: the pipeline's, which follow from what the operation takes (any
 * operation refuses bad parameters or a body it does not take; a body can be too large, of the wrong type or not
 * JSON; a page query can carry a stale cursor; a signed-in route can lack or refuse the token), and its own.
 */
export function errorCodesOf(op: Operation): ErrorCode[] {
  const codes: ErrorCode[] = ['validation_failed'];
  if (op.body) codes.push(...(op.bodyType === 'form' ? [] : (['invalid_json'] as const)), 'payload_too_large', 'unsupported_media_type');
  if (op.query && 'cursor' in op.query.shape) codes.push('invalid_cursor');
  if (op.auth === 'jwt') codes.push('unauthorized', 'forbidden');
  return [...new Set([...codes, ...(op.errors ?? [])])];
}

const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };

/** One response per status, each naming the codes it can carry, all with the one error schema (or the route's own). */
function errorResponses(op: Operation, content: unknown) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(op)) byStatus.set(ERRORS[code].status, [...(byStatus.get(ERRORS[code].status) ?? []), code]);
  const responses: Record<string, unknown> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[status] = { description: codes.map((c) => `${c}: ${ERRORS[c].en} (${ERRORS[c].zh})`).join('; '), content };
  }
  return responses;
}

/**
 * The project publishes no licence of its own: what applies is the deploying government's terms, which this
 * document cannot name.
 */
const LICENSE = { name: 'Proprietary: terms of the deploying government' };

/** The OpenAPI 3.1 document, generated from the same operations and zod schemas that validate requests. */
export function openApiDocument(ops: Operation[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Components = {};
  for (const op of ops) {
    const schema = schemaIn(components, op.id);
    const errors = op.errorFormat ? { 'application/json': { schema: schema(op.errorFormat.schema, 'output') } } : errorContent;
    const responses: Record<string, unknown> = {
      [op.response.status]: {
        description: op.summary.en,
        content: { [op.response.type ?? 'application/json']: { schema: schema(op.response.schema, 'output') } },
      },
      ...errorResponses(op, errors),
      default: { description: `internal: ${ERRORS.internal.en} (${ERRORS.internal.zh})`, content: errors },
    };
    (paths[op.path] ??= {})[op.method.toLowerCase()] = {
      operationId: op.id,
      summary: op.summary.zh,
      description: op.roles ? `${op.summary.en}. Only for: ${op.roles.join(', ')} (anyone else gets 403).` : op.summary.en,
      tags: [op.tag],
      ...(op.auth === 'jwt' ? { security: [{ bearer: [] }] } : { security: [] }),
      parameters: parameters(op, schema),
      ...(op.body
        ? { requestBody: { required: true, content: { [op.bodyType === 'form' ? 'application/x-www-form-urlencoded' : 'application/json']: { schema: schema(op.body, 'input') } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'govtiers',
      version,
      description: '数字政府治理平台（省、市、县、乡、村五级共用）— digital government platform shared by every tier',
      license: LICENSE,
    },
    // Each deployment (and the local runtime) serves the API at its own root; the document does not know its host.
    servers: [{ url: '/', description: '本部署 — this deployment' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        ...components,
        Error: {
          ...schema(errorSchema, 'output'),
          description: `Error codes: ${Object.keys(ERRORS).join(', ')}`,
        },
      },
    },
    paths,
  };
}
