import * as z from '../../shared/zod';
import { operation } from '../../shared/http/operation';
import { unitCodeSchema } from '../../shared/roles';
import { rolesFor } from '../../tenants/scope';
import { FILE_TYPES, PURPOSE_RULES, PURPOSES } from './attachments';

const largest = Math.max(...Object.values(PURPOSE_RULES).map((r) => r.maxBytes));

export const startUploadOp = operation({
  id: 'startUpload',
  method: 'POST',
  path: '/v1/units/{code}/uploads',
  tag: 'uploads',
  summary: {
    zh: '上传附件：取得一次性的表单上传地址（限定文件类型和大小，10 分钟内有效），上传后在申请、诉求或文件中引用',
    en: 'Upload a file: a one-time form upload to the bucket (its type and size fixed, valid 10 minutes), then referenced by an application, ticket or document',
  },
  auth: 'jwt',
  roles: rolesFor('uploads:create'),
  errors: ['not_found'],
  params: z.strictObject({ code: unitCodeSchema }),
  body: z.strictObject({
    purpose: z.enum(PURPOSES),
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(255)),
    type: z.enum(Object.keys(FILE_TYPES) as [keyof typeof FILE_TYPES, ...(keyof typeof FILE_TYPES)[]]),
    // The purpose's own limit is checked after; this bound only keeps the number sane.
    size: z.int().check(z.gte(1), z.lte(largest)),
  }),
  response: {
    status: 201,
    schema: z.object({
      key: z.string(),
      url: z.string(),
      fields: z.record(z.string(), z.string()),
      expiresAt: z.string(),
    }),
  },
});

export const UPLOADS_OPERATIONS = [startUploadOp];
