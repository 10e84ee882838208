import * as z from '../../shared/zod';
import { operation } from '../../shared/http/operation';
import { rolesFor } from '../../tenants/scope';
import { unitCodeSchema } from '../../shared/roles';
import { pageOf, pageQuerySchema } from '../../shared/pagination';
import { divisionTreeSchema } from '../../tenants/division-tree';
import { jobSchema } from '../../tenants/imports';
import { unitSchema, unitStatusSchema } from '../../tenants/unit';

const codeParams = z.strictObject({ code: unitCodeSchema });
const unitName = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));

export const createUnitOp = operation({
  id: 'createUnit',
  method: 'POST',
  path: '/v1/units',
  tag: 'units',
  summary: { zh: '新建单位（挂在最近的已存在上级下）', en: 'Create a unit under its nearest existing ancestor' },
  auth: 'jwt',
  roles: rolesFor('unit:provision'),
  body: z.strictObject({ code: unitCodeSchema, name: unitName }),
  errors: ['already_exists', 'conflict', 'unprocessable'],
  response: { status: 201, schema: unitSchema },
});

export const getUnitOp = operation({
  id: 'getUnit',
  method: 'GET',
  path: '/v1/units/{code}',
  tag: 'units',
  summary: { zh: '查看单位', en: 'Read a unit' },
  auth: 'jwt',
  params: codeParams,
  errors: ['not_found'],
  response: { status: 200, schema: unitSchema },
});

export const listChildrenOp = operation({
  id: 'listUnitChildren',
  method: 'GET',
  path: '/v1/units/{code}/children',
  tag: 'units',
  summary: { zh: '下级单位列表（分页）', en: 'List the units directly below a unit, a page at a time' },
  auth: 'jwt',
  params: codeParams,
  query: pageQuerySchema,
  errors: ['not_found'],
  response: { status: 200, schema: pageOf(unitSchema) },
});

export const changeUnitOp = operation({
  id: 'changeUnit',
  method: 'PATCH',
  path: '/v1/units/{code}',
  tag: 'units',
  summary: { zh: '更名、停用或恢复单位（单位不会被删除）', en: 'Rename, suspend or reactivate a unit (units are never deleted)' },
  auth: 'jwt',
  roles: rolesFor('unit:provision'),
  params: codeParams,
  body: z
    .strictObject({ name: z.optional(unitName), status: z.optional(unitStatusSchema), v: z.optional(z.int().check(z.gte(1))) })
    .check(z.refine((b) => b.name !== undefined || b.status !== undefined, { params: { i18n: 'name_or_status' }, path: ['name'] })),
  errors: ['not_found', 'conflict'],
  response: { status: 200, schema: unitSchema },
});

export const startImportOp = operation({
  id: 'startUnitImport',
  method: 'POST',
  path: '/v1/units/{code}/imports',
  tag: 'units',
  summary: { zh: '导入区划代码树（后台任务）', en: 'Import a division tree under a unit, as a background job' },
  auth: 'jwt',
  roles: rolesFor('unit:provision'),
  params: codeParams,
  body: divisionTreeSchema,
  // Lambda takes at most 6 MB in a request; the national township tree is under 3 MB.
  maxBodyBytes: 6 * 1024 * 1024 - 1024,
  errors: ['not_found', 'conflict'],
  response: { status: 202, schema: z.object({ jobId: z.string(), job: jobSchema }) },
});

export const getJobOp = operation({
  id: 'getJob',
  method: 'GET',
  path: '/v1/jobs/{jobId}',
  tag: 'units',
  summary: { zh: '查看后台任务进度', en: 'Progress of a background job' },
  auth: 'jwt',
  roles: rolesFor('unit:provision'),
  params: z.strictObject({ jobId: z.string().check(z.minLength(1), z.maxLength(64)) }),
  errors: ['not_found'],
  response: { status: 200, schema: jobSchema },
});

export const resumeJobOp = operation({
  id: 'resumeJob',
  method: 'POST',
  path: '/v1/jobs/{jobId}/resume',
  tag: 'units',
  summary: { zh: '继续未完成的后台任务', en: 'Pick an unfinished background job up again' },
  auth: 'jwt',
  roles: rolesFor('unit:provision'),
  params: z.strictObject({ jobId: z.string().check(z.minLength(1), z.maxLength(64)) }),
  errors: ['not_found'],
  response: { status: 202, schema: jobSchema },
});

export const UNITS_OPERATIONS = [createUnitOp, getUnitOp, listChildrenOp, changeUnitOp, startImportOp, getJobOp, resumeJobOp];
