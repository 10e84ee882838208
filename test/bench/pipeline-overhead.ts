import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { routes } from '../../functions/units/handler';
import { getUnitOp } from '../../functions/units/api';
import { httpFunction } from '../../shared/http/http-function';
import { routeKey } from '../../shared/http/operation';
import { scopeOf } from '../../tenants/scope';
import { unitItem } from '../../tenants/unit';
import { httpEvent, lambdaContext } from '../support/events';
import { memoryDeps } from '../support/memory-deps';
import { testTokens } from '../support/tokens';
import { summary } from './stats';

/**
 * Per-request cost of the middy pipeline (request context, access log, JWT, scope, zod, error mapping) on
 * GET /v1/units/{code}, against the same implementation called bare with input already checked. The store is
 * the in-memory one, so the database is not what is measured.
 */
export async function pipelineOverhead(iterations = 20_000) {
  const { deps } = memoryDeps();
  const at = '2026-01-01T00:00:00.000Z';
  await deps.store.putMany('registry', [
    unitItem({ code: '330000000000', name: '浙江省', level: 'province', edition: 2023, status: 'active', createdAt: at, updatedAt: at, v: 1 }),
    unitItem({ code: '330100000000', name: '杭州市', level: 'city', parent: '330000000000', edition: 2023, status: 'active', createdAt: at, updatedAt: at, v: 1 }),
  ]);
  const tokens = await testTokens();
  const principal = { sub: 'bench', role: 'unit-admin' as const, unit: '330000000000' };
  const token = await tokens.sign(principal);
  const handler = httpFunction(routes, { deps: async () => deps, verifier: () => tokens.verifier });
  const binding = routes.find((r) => routeKey(r.op) === routeKey(getUnitOp))!;
  // API Gateway gives every request an id; the pipeline only mints one when it is missing.
  const event = () => {
    const e = httpEvent({ routeKey: routeKey(getUnitOp), pathParameters: { code: '330100000000' }, headers: { authorization: `Bearer ${token}` } });
    e.requestContext.requestId = 'apigw-request-id';
    return e;
  };
  const context = lambdaContext();

  const viaPipeline = async () => {
    const res = (await handler(event(), context as never)) as APIGatewayProxyStructuredResultV2;
    if (res.statusCode !== 200) throw new Error(`pipeline answered ${res.statusCode}: ${res.body}`);
  };
  const bare = async () => {
    const reply = await binding.run({
      params: { code: '330100000000' } as never, query: {} as never, body: undefined as never,
      requestId: 'bench', lang: 'zh-CN', principal, scope: scopeOf(principal), deps,
    });
    JSON.stringify(reply.body);
  };

  const time = async (fn: () => Promise<void>, n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await fn();
      out.push(performance.now() - t);
    }
    return out;
  };
  await time(viaPipeline, 2_000);
  await time(bare, 2_000);
  // Interleaved blocks, so that drift in machine load falls on both sides alike.
  const p: number[] = [];
  const b: number[] = [];
  for (let block = 0; block < 10; block++) {
    p.push(...(await time(viaPipeline, iterations / 10)));
    b.push(...(await time(bare, iterations / 10)));
  }
  const pipeline = summary(p);
  const direct = summary(b);
  return { pipeline, bare: direct, overheadMedian: pipeline.median - direct.median, overheadP99: pipeline.p99 - direct.p99 };
}
