import { resolveScope } from '../../../tenants/scope';
import type { ApiMiddleware } from '../context';

/** Turns the verified caller into a scope over the unit tree; handlers then ask it about each target unit. */
export const unitScope = (): ApiMiddleware => ({
  before: async (request) => {
    const s = request.context.govtiers;
    if (s.principal) s.scope = await resolveScope(s.principal, s.deps.store);
  },
});
