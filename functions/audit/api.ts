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
  mac: z.string(),
});

export const chainProblemSchema = z.enum(['altered', 'missing', 'reordered', 'truncated', 'head']);

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

/**
 * Verification runs here, beside the audit key's VerifyMac, which no caller holds: a client reading pages could
 * recompute the links but not the MACs, and cannot see the checkpoints in the archive.
 */
export const verifyAuditOp = operation({
  id: 'verifyAudit',
  method: 'GET',
  path: '/v1/units/{code}/audit/verify',
  tag: 'audit',
  summary: {
    zh: '校验单位审计日志：哈希链、消息认证码与只写一次存储中的检查点，指出第一处被篡改、删除或调换的记录',
    en: "Verify a unit's audit log (links, MACs and write-once checkpoints), naming the first entry altered, removed or reordered",
  },
  auth: 'jwt',
  roles: rolesFor('audit:read'),
  params: z.strictObject({ code: unitCodeSchema }),
  response: {
    status: 200,
    schema: z.object({
      ok: z.boolean(),
      /** Entries intact from the first one on. */
      entries: z.int(),
      firstBroken: z.optional(z.object({ seq: z.int(), problem: chainProblemSchema })),
    }),
  },
});

export const AUDIT_OPERATIONS = [readAuditOp, verifyAuditOp];
