import * as z from '../../shared/zod';
import { operation } from '../../shared/http/operation';
import { rolesFor } from '../../tenants/scope';
import { unitCodeSchema } from '../../shared/roles';
import { pageQuerySchema } from '../../shared/pagination';

export const auditEntrySchema = z.object({
  unit: z.string(),
  seq: z.int(),
  at: z.string(),
  actor: z.object({ sub: z.string(), role: z.string(), unit: z.string() }),
  action: z.string(),
  subject: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
});

export const readAuditOp = operation({
  id: 'readAudit',
  method: 'GET',
  path: '/v1/units/{code}/audit',
  tag: 'audit',
  summary: { zh: '单位审计日志（哈希链，按时间顺序）', en: "A unit's audit log (hash chain), oldest first" },
  auth: 'jwt',
  roles: rolesFor('audit:read'),
  params: z.strictObject({ code: unitCodeSchema }),
  query: pageQuerySchema,
  response: {
    status: 200,
    schema: z.object({
      items: z.array(auditEntrySchema),
      cursor: z.optional(z.string()),
      head: z.object({ seq: z.int(), hash: z.string() }),
    }),
  },
});

export const AUDIT_OPERATIONS = [readAuditOp];
