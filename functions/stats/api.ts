import * as z from '../../shared/zod';
import { operation } from '../../shared/http/operation';
import { rolesFor } from '../../tenants/scope';
import { unitCodeSchema } from '../../shared/roles';
import { isIsoDate } from '../../shared/working-days';
import { countsShape, isoDaySchema as isoDay } from './rollup';
/** Long enough for a year's report, short enough that one request stays one page per unit. */
const MAX_DAYS = 366;

export const readStatsOp = operation({
  id: 'readUnitStats',
  method: 'GET',
  path: '/v1/units/{code}/stats',
  tag: 'stats',
  summary: {
    zh: '单位在日期范围内的工作统计（受理、办结、超期、上报、退回）：本单位、整个辖区，以及每个直属下级单位的辖区合计',
    en: "A unit's work figures for a date range (opened, closed, overdue, escalated, returned): its own, its whole subtree's, and each direct child's subtree's",
  },
  auth: 'jwt',
  roles: rolesFor('stats:read'),
  errors: ['not_found'],
  params: z.strictObject({ code: unitCodeSchema }),
  query: z
    .strictObject({ from: isoDay, to: isoDay })
    .check(
      // Only between two real dates: a bad one already has its own error.
      z.refine((q) => !isIsoDate(q.from) || !isIsoDate(q.to) || q.from <= q.to, { path: ['to'], params: { i18n: 'date_range_order' } }),
      z.refine((q) => Date.parse(q.to) - Date.parse(q.from) < MAX_DAYS * 86_400_000, { path: ['to'], params: { i18n: 'date_range_length' } }),
    ),
  response: {
    status: 200,
    schema: z.object({
      unit: z.string(),
      name: z.string(),
      from: z.string(),
      to: z.string(),
      own: countsShape,
      subtree: countsShape,
      children: z.array(z.object({ code: z.string(), name: z.string(), subtree: countsShape })),
    }),
  },
});

export const STATS_OPERATIONS = [readStatsOp];
