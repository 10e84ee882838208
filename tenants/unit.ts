import * as z from '../shared/zod';
import { LEVELS } from '../shared/levels';
import { unitCodeSchema } from '../shared/roles';
import type { Key } from '../shared/store/store';
import { prefixOf } from '../shared/codes';

/** The edition of the 统计用区划代码 shipped with govtiers; each unit keeps the edition it was provisioned from. */
export const CURRENT_EDITION = 2023;

export const unitStatusSchema = z.enum(['active', 'suspended']);

export const unitSchema = z.object({
  code: unitCodeSchema,
  name: z.string(),
  level: z.enum(LEVELS),
  /** Nearest existing ancestor; absent for a province. */
  parent: z.optional(z.string()),
  edition: z.int(),
  status: unitStatusSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  v: z.int(),
});
export type Unit = z.infer<typeof unitSchema>;

/** Registry keys: a unit's own item, and its entry in its parent's list of children (index gsi1). */
export const unitKey = (code: string): Key => ({ pk: `${prefixOf(code)}#unit`, sk: 'unit' });
export const childrenPartition = (parentCode: string) => `${prefixOf(parentCode)}#children`;

/** A staff member's record, in the table of its unit's level: the authoritative binding of a subject to unit and role. */
export const staffKey = (unit: string, sub: string): Key => ({ pk: `${prefixOf(unit)}#staff`, sk: sub });

export function unitItem(u: Unit) {
  return {
    ...unitKey(u.code),
    ...(u.parent ? { gsi1pk: childrenPartition(u.parent), gsi1sk: u.code } : {}),
    ...u,
  };
}

export const toUnit = (item: Record<string, unknown>): Unit => unitSchema.parse(item);
