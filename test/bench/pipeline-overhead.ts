import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { routes } from '../../functions/units/handler';
import { getUnitOp } from '../../functions/units/api';
import { apiFunction } from '../../functions/api-function';
import { routeKey } from '../../shared/http/operation';
import { scopeOf } from '../../tenants/scope';
import { unitItem } from '../../tenants/unit';
import { httpEvent, lambdaContext } from '../support/events';
import { seedAccounts } from '../support/accounts';
import { memoryDeps } from '../support/memory-deps';
import { testTokens } from '../support/tokens';
import { rounds, summary } from './stats';

const WARM_UP = 2_000;
const MISS_WARM_UP = 500;
const BLOCKS = 10;

/**
 * Per-request cost of the middy pipeline (request context, access log, JWT, scope, zod, error mapping) on
 * GET /v1/units/{code}, against the same implementation called bare with input already checked. The store is
 * the in-memory one, so the database is not what is measured. Two pipelines: one where every request repeats
 * a token (a session; the verifier's cache answers), one where every request brings a token never seen before
 * (a full RS256 verification, as for Cognito's tokens, and an eviction from the full cache). The fresh-token case
 * is judged by what the pipeline adds beyond the signature check, which is measured on its own in the same blocks:
 * the check's cost is the algorithm's (Cognito's choice), not the pipeline's.
 */
export async function pipelineOverhead(iterations = 20_000, missIterations = 5_000) {
  const { deps } = memoryDeps();
  const at = '2026-01-01T00:00:00.000Z';
  await deps.store.putMany('registry', [
    unitItem({ code: '330000000000', name: '浙江省', level: 'province', edition: 2023, status: 'active', createdAt: at, updatedAt: at, v: 1 }),
    unitItem({ code: '330100000000', name: '杭州市', level: 'city', parent: '330000000000', edition: 2023, status: 'active', createdAt: at, updatedAt: at, v: 1 }),
  ]);
  const principal = { sub: 'bench', role: 'unit-admin' as const, unit: '330000000000' };
  // Two issuers, so that each pipeline has a verifier (and token cache) of its own.
  const [sessionIssuer, missIssuer] = await Promise.all([testTokens(), testTokens()]);
  const sessionToken = await sessionIssuer.sign(principal);
  // Signed before timing starts; a distinct subject makes every token distinct. The second set is verified
  // alone, to show how much of the fresh-token overhead the signature check is.
  const sign = (n: number, tag: string) => Promise.all(Array.from({ length: n }, (_, i) => missIssuer.sign({ ...principal, sub: `${tag}-${i}` })));
  const freshTokens = await sign(missIterations + MISS_WARM_UP, 'pipeline');
  // Every caller stands on its account record, as every real one must.
  const subs = [principal.sub, ...Array.from({ length: missIterations + MISS_WARM_UP }, (_, i) => `pipeline-${i}`)];
  await seedAccounts(deps.store, subs.map((sub) => ({ ...principal, sub })));
  const verifyTokens = await sign(missIterations + MISS_WARM_UP, 'verify');
  const sessionHandler = apiFunction(routes, { deps: async () => deps, verifier: () => sessionIssuer.verifier });
  const missHandler = apiFunction(routes, { deps: async () => deps, verifier: () => missIssuer.verifier });
  const binding = routes.find((r) => routeKey(r.op) === routeKey(getUnitOp))!;
  // API Gateway gives every request an id; the pipeline only mints one when it is missing.
  const event = (token: string) => {
    const e = httpEvent({ routeKey: routeKey(getUnitOp), pathParameters: { code: '330100000000' }, headers: { authorization: `Bearer ${token}` } });
    e.requestContext.requestId = 'apigw-request-id';
    return e;
  };
  const context = lambdaContext();

  const through = async (handler: typeof sessionHandler, token: string) => {
    const res = (await handler(event(token), context as never)) as APIGatewayProxyStructuredResultV2;
    if (res.statusCode !== 200) throw new Error(`pipeline answered ${res.statusCode}: ${res.body}`);
  };
  const session = () => through(sessionHandler, sessionToken);
  let next = 0;
  const miss = () => through(missHandler, freshTokens[next++]!);
  let nextVerify = 0;
  const verifyOnly = async () => void (await missIssuer.verifier.verify(verifyTokens[nextVerify++]!));
  const bare = async () => {
    const reply = await binding.run({
      params: { code: '330100000000' } as never, query: {} as never, body: undefined as never,
      requestId: 'bench', lang: 'zh-CN', origin: 'http://127.0.0.1', principal, scope: scopeOf(principal), deps, event: event(sessionToken),
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
  await time(session, WARM_UP);
  await time(miss, MISS_WARM_UP);
  await time(verifyOnly, MISS_WARM_UP);
  await time(bare, WARM_UP);
  // Interleaved blocks, so that drift in machine load falls on all of them alike. Each block is a round: its
  // medians give one overhead figure, and the verdicts judge the median round.
  const s: number[] = [];
  const m: number[] = [];
  const v: number[] = [];
  const b: number[] = [];
  const perBlock = { cached: [] as number[], fresh: [] as number[], beyondVerify: [] as number[] };
  for (let block = 0; block < BLOCKS; block++) {
    const sb = await time(session, iterations / BLOCKS);
    const vb = await time(verifyOnly, missIterations / BLOCKS);
    const mb = await time(miss, missIterations / BLOCKS);
    const bb = await time(bare, iterations / BLOCKS);
    s.push(...sb);
    v.push(...vb);
    m.push(...mb);
    b.push(...bb);
    const bareMedian = summary(bb).median;
    perBlock.cached.push(summary(sb).median - bareMedian);
    perBlock.fresh.push(summary(mb).median - bareMedian);
    perBlock.beyondVerify.push(summary(mb).median - bareMedian - summary(vb).median);
  }
  return {
    bare: summary(b),
    cachedToken: { pipeline: summary(s), overhead: rounds(perBlock.cached) },
    freshToken: { pipeline: summary(m), overhead: rounds(perBlock.fresh), beyondVerify: rounds(perBlock.beyondVerify), verifyAlone: summary(v) },
  };
}
