import { ApiError } from '../../errors';
import type { ApiMiddleware } from '../context';

/**
 * Refuses a verified caller whose role the operation never allows, before its scope is resolved or its body parsed:
 * a citizen's 6 MB import costs a token check, not a parse.
 */
export const routeRoles = (): ApiMiddleware => ({
  before: async (request) => {
    const s = request.context.govtiers;
    const roles = s.binding?.op.roles;
    if (roles && s.principal && !roles.includes(s.principal.role)) throw new ApiError('forbidden');
  },
});
