import * as z from '../zod';
import type { Operation } from './operation';
import { ERRORS } from '../errors';

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

/** The OpenAPI 3.1 document, generated from the same operations and zod schemas that validate requests. */
export function openApiDocument(ops: Operation[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Components = {};
  for (const op of ops) {
    const schema = schemaIn(components, op.id);
    const responses: Record<string, unknown> = {
      [op.response.status]: {
        description: op.summary.en,
        content: { 'application/json': { schema: schema(op.response.schema, 'output') } },
      },
      default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    };
    (paths[op.path] ??= {})[op.method.toLowerCase()] = {
      operationId: op.id,
      summary: op.summary.zh,
      description: op.summary.en,
      tags: [op.tag],
      ...(op.auth === 'jwt' ? { security: [{ bearer: [] }] } : { security: [] }),
      parameters: parameters(op, schema),
      ...(op.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schema(op.body, 'input') } } } }
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
    },
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
