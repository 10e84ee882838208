import * as z from '../../shared/zod';
import { operation } from '../../shared/http/operation';
import { rolesFor } from '../../tenants/scope';
import { unitCodeSchema } from '../../shared/roles';
import { deadlineName, dueDateSchema, overridesSchema, overridesShape, settingsSchema, sourcesSchema } from '../../tenants/settings';

const codeParams = z.strictObject({ code: unitCodeSchema });

export const getSettingsOp = operation({
  id: 'getUnitSettings',
  method: 'GET',
  path: '/v1/units/{code}/settings',
  tag: 'settings',
  summary: {
    zh: '单位的生效设置（自省级逐级继承，就近覆盖），注明每项来源；以及本单位自己的设置和版本号',
    en: "A unit's effective settings (inherited from the province down, nearest override wins) with each value's source, and the unit's own overrides and version",
  },
  auth: 'jwt',
  params: codeParams,
  errors: ['not_found'],
  response: {
    status: 200,
    schema: z.object({ unit: z.string(), effective: settingsSchema, sources: sourcesSchema, overrides: overridesSchema, v: z.int() }),
  },
});

export const putSettingsOp = operation({
  id: 'putUnitSettings',
  method: 'PUT',
  path: '/v1/units/{code}/settings',
  tag: 'settings',
  summary: {
    zh: '替换本单位自己的设置（未填写的项沿用上级）；v 为读取时的版本号，首次设置为 0',
    en: "Replace the unit's own overrides (anything left out is inherited); v is the version read, 0 for the first save",
  },
  auth: 'jwt',
  roles: rolesFor('unit:settings'),
  params: codeParams,
  body: z.strictObject({ v: z.int().check(z.gte(0)), ...overridesShape }),
  errors: ['not_found', 'conflict'],
  response: {
    status: 200,
    schema: z.object({ unit: z.string(), overrides: overridesSchema, v: z.int(), updatedAt: z.string() }),
  },
});

export const workingDaysOp = operation({
  id: 'getUnitWorkingDays',
  method: 'GET',
  path: '/v1/units/{code}/working-days',
  tag: 'settings',
  summary: {
    zh: '按本单位生效的工作日历推算期限：from 之后第 days 个工作日（或某项期限的默认天数），并列出跳过的每一天及原因',
    en: "The date `days` working days after `from` (or a named deadline's default) on the unit's effective calendar, with every day skipped and why",
  },
  auth: 'jwt',
  params: codeParams,
  query: z.strictObject({
    /** Defaults to today in China. */
    from: z.optional(z.iso.date()),
    days: z.optional(z.coerce.number().check(z.int(), z.gte(0), z.lte(250))),
    deadline: z.optional(deadlineName),
  }),
  errors: ['not_found', 'unprocessable'],
  response: { status: 200, schema: dueDateSchema },
});

export const SETTINGS_OPERATIONS = [getSettingsOp, putSettingsOp, workingDaysOp];
