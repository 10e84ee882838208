import type { Principal } from '../../shared/roles';
import type { Store } from '../../shared/store/store';
import { levelOf } from '../../shared/codes';
import { isStaffRole, subjectIndexKey, type Staff } from '../../tenants/people';
import { staffKey } from '../../tenants/unit';

/**
 * The account records a test caller stands on: an active staff record (and its subject index) for every role that
 * acts for a unit, as an admin would have created it. Citizens and businesses need none to hold a token.
 */
export async function seedAccounts(store: Store, principals: Principal[], at = '2026-01-01T00:00:00.000Z'): Promise<void> {
  for (const p of principals) {
    if (!isStaffRole(p.role)) continue;
    const staff: Staff = {
      sub: p.sub,
      unit: p.unit,
      name: `测试账号 ${p.sub}`,
      role: p.role,
      ...(p.dept ? { deptId: p.dept } : {}),
      status: 'active',
      createdAt: at,
      updatedAt: at,
      v: 1,
    };
    await store.transact([
      { op: 'put', table: levelOf(p.unit), item: { ...staffKey(p.unit, p.sub), ...staff } },
      { op: 'put', table: 'registry', item: { ...subjectIndexKey('staff', p.unit, p.sub), unit: p.unit } },
    ]);
  }
}
