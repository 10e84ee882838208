import * as z from './zod';
import { isUnitCode } from './codes';

export const ROLES = ['province-admin', 'unit-admin', 'staff', 'auditor', 'citizen', 'business'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** A well-formed 12-digit 统计用区划代码 (digits alone are not enough: 000000000000 is no unit). */
export const unitCodeSchema = z.string().check(z.refine(isUnitCode, { params: { i18n: 'unit_code' } }));

/** Who is calling, as the verified token says. */
export interface Principal {
  sub: string;
  role: Role;
  unit: string;
  dept?: string;
  /**
   * The resident ID (citizens) or unified social credit code (businesses) the identity provider has verified for
   * this account, from a claim only the platform or the province's identity platform can set; absent otherwise.
   */
  verifiedId?: string;
}
