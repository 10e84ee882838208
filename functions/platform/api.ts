import * as z from '../../shared/zod';
import { operation } from '../../shared/http/operation';

export const componentStateSchema = z.object({ status: z.enum(['ok', 'down']), detail: z.optional(z.string()) });

export const healthOp = operation({
  id: 'getHealth',
  method: 'GET',
  path: '/health',
  tag: 'platform',
  summary: { zh: '平台健康状态', en: 'Health of the platform and each of its components' },
  auth: 'public',
  response: {
    status: 200,
    schema: z.object({
      status: z.enum(['ok', 'degraded']),
      version: z.string(),
      components: z.record(z.string(), componentStateSchema),
    }),
  },
});

export const openapiOp = operation({
  id: 'getOpenApi',
  method: 'GET',
  path: '/v1/openapi.json',
  tag: 'platform',
  summary: { zh: '接口说明（OpenAPI 3.1）', en: 'This API described in OpenAPI 3.1' },
  auth: 'public',
  response: { status: 200, schema: z.record(z.string(), z.unknown()) },
});

export const PLATFORM_OPERATIONS = [healthOp, openapiOp];
