import { httpFunction, route as bind, type HttpFunctionOptions } from '../shared/http/http-function';
import type { ApiRequest, Binding, Reply } from '../shared/http/context';
import type { BodyOf, Operation, ParamsOf, QueryOf } from '../shared/http/operation';
import { resolveScope, type Scope } from '../tenants/scope';

/**
 * The shared pipeline bound to the unit rules: every capability's routes see the caller's `Scope` over the unit tree.
 * This is where `shared/` (the pipeline) meets `tenants/` (the rules), so that `shared/` imports neither.
 */
export const route = <O extends Operation>(
  op: O,
  run: (req: ApiRequest<ParamsOf<O>, QueryOf<O>, BodyOf<O>, Scope>) => Promise<Reply>,
): Binding => bind<O, Scope>(op, run);

export const apiFunction = (bindings: Binding[], options: Omit<HttpFunctionOptions, 'resolveScope'> = {}) =>
  httpFunction(bindings, { ...options, resolveScope });
