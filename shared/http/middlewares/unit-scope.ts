import type { Principal } from '../../roles';
import type { Store } from '../../store/store';
import type { ApiMiddleware } from '../context';

/** Turns a verified principal into whatever the function checks its targets against (the unit rules, in `tenants/`). */
export type ScopeResolver<S = unknown> = (principal: Principal, store: Store) => Promise<S>;

/** Resolves the verified caller's scope once per request; handlers then ask it about each target unit. */
export const unitScope = (resolve: ScopeResolver): ApiMiddleware => ({
  before: async (request) => {
    const s = request.context.govtiers;
    if (s.principal) s.scope = await resolve(s.principal, s.deps.store);
  },
});
