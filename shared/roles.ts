import * as z from 'zod';

export const ROLES = ['province-admin', 'unit-admin', 'staff', 'auditor', 'citizen', 'business'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** 12-digit 统计用区划代码. */
export const unitCodeSchema = z.string().regex(/^\d{12}$/, { error: 'must be a 12-digit division code' });

/** Who is calling, as the verified token says. */
export interface Principal {
  sub: string;
  role: Role;
  unit: string;
  dept?: string;
}
