import { ApiError } from '../../errors';
import { header, type ApiMiddleware } from '../context';
import type { TokenVerifier } from '../../auth/token-verifier';

/** Verifies the bearer token of operations that need one. The API's authorizer did too; handlers do not rely on it. */
export const authenticate = (verifier: () => TokenVerifier): ApiMiddleware => ({
  before: async (request) => {
    const s = request.context.govtiers;
    if (s.binding?.op.auth !== 'jwt') return;
    const token = /^Bearer\s+(\S+)$/i.exec(header(request.event, 'authorization') ?? '')?.[1];
    if (!token) throw new ApiError('unauthorized');
    s.principal = await verifier().verify(token);
  },
});
