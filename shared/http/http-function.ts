import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { depsFromEnv } from '../aws/deps-from-env';
import type { Deps } from '../deps';
import { tokenVerifierFromEnv, type TokenVerifier } from '../auth/token-verifier';
import { routeKey, type Operation } from './operation';
import type { ApiContext, ApiRequest, Binding, Reply } from './context';
import { requestContext } from './middlewares/request-context';
import { accessLog } from './middlewares/access-log';
import { authenticate } from './middlewares/authenticate';
import { routeRoles } from './middlewares/route-roles';
import { unitScope, type ScopeResolver } from './middlewares/unit-scope';
import { validateInput } from './middlewares/validate-input';
import { mapErrors, type ErrorReply } from './middlewares/map-errors';
import { replyResult } from './reply';
import type { BodyOf, ParamsOf, QueryOf } from './operation';

/** Binds an operation to its implementation, typed by the operation's schemas and the scope the pipeline resolves. */
export function route<O extends Operation, S = unknown>(
  op: O,
  run: (req: ApiRequest<ParamsOf<O>, QueryOf<O>, BodyOf<O>, S>) => Promise<Reply>,
): Binding {
  return { op, run: run as Binding['run'] };
}

export interface HttpFunctionOptions {
  /** Required: a pipeline without scope rules would let every verified token through. */
  resolveScope: ScopeResolver;
  deps?: () => Promise<Deps>;
  verifier?: () => TokenVerifier;
  /** Refusals in the function's own media type (see ErrorReply). */
  errorReply?: ErrorReply;
}

/**
 * One Lambda handler serving a capability's routes through the shared pipeline:
 * request context → access log → JWT → the operation's roles → unit scope → zod → implementation, with errors mapped last.
 */
export function httpFunction(bindings: Binding[], options: HttpFunctionOptions) {
  const routes = new Map(bindings.map((b) => [routeKey(b.op), b]));
  // Built on first use and kept, as a Lambda instance keeps it; built again only if the issuer the environment names
  // changes, which happens when one process starts a second local runtime (benchmarks, restart tests).
  let verifier: { for: string; verifier: TokenVerifier } | undefined;
  const verifierFromEnv = () => {
    const issuer = `${process.env.JWT_ISSUER}|${process.env.JWKS_URL}`;
    if (verifier?.for !== issuer) verifier = { for: issuer, verifier: tokenVerifierFromEnv() };
    return verifier.verifier;
  };
  const core = async (event: APIGatewayProxyEventV2, context: ApiContext): Promise<APIGatewayProxyStructuredResultV2> => {
    const s = context.govtiers;
    const input = s.input!;
    const reply = await s.binding!.run({
      params: input.params as never,
      query: input.query as never,
      body: input.body as never,
      requestId: s.requestId,
      lang: s.lang,
      principal: s.principal,
      scope: s.scope,
      deps: s.deps,
      event,
    });
    return replyResult(reply, s.requestId);
  };
  // middy runs `before` hooks in the order given and every `onError` hook in reverse, so mapErrors, last here,
  // answers first and the access log then sees the final status.
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext>(core)
    .use(requestContext(routes, options.deps ?? depsFromEnv))
    .use(accessLog())
    .use(authenticate(options.verifier ?? verifierFromEnv))
    .use(routeRoles())
    .use(unitScope(options.resolveScope))
    .use(validateInput())
    .use(mapErrors(options.errorReply));
}
