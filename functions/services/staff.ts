import { levelOf } from '../../shared/codes';
import { ApiError } from '../../shared/errors';
import type { Principal } from '../../shared/roles';
import type { Store } from '../../shared/store/store';
import { staffKey } from '../../tenants/unit';

/**
 * The department of a staff member, from the account record (the token's claim may be older than a move between
 * departments; the record is what the pipeline trusts).
 */
export async function staffDept(store: Store, principal: Principal): Promise<string | undefined> {
  const s = await store.get(levelOf(principal.unit), staffKey(principal.unit, principal.sub));
  return s?.deptId as string | undefined;
}

export const wrongDept = () =>
  new ApiError('forbidden', [], { zh: '只有该事项实施部门的工作人员可以办理', en: 'Only staff of the department handling this item may act on it' });
