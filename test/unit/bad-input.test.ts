import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ALL_OPERATIONS } from '../../functions/catalog';
import { newUnit } from '../../tenants/units';
import { unitItem } from '../../tenants/unit';
import { seedAccounts } from '../support/accounts';
import { inProcessApi } from '../support/in-process-api';
import { memoryDeps } from '../support/memory-deps';
import { testTokens } from '../support/tokens';

/**
 * Bad input never produces a 5xx: every operation gets arbitrary JSON bodies, path parameters and query strings
 * from a caller allowed to do almost everything, and must answer with a 2xx or a 4xx.
 */
describe('arbitrary input to every operation', async () => {
  const { deps } = memoryDeps();
  const at = deps.now().toISOString();
  await deps.store.putMany('registry', [
    unitItem(newUnit('330000000000', '浙江省', undefined, at)),
    unitItem(newUnit('330100000000', '杭州市', '330000000000', at)),
  ]);
  const tokens = await testTokens();
  const api = await inProcessApi(deps, tokens.verifier);
  const fuzzer = { sub: 'fuzz', role: 'province-admin', unit: '330000000000' } as const;
  await seedAccounts(deps.store, [fuzzer]);
  const token = await tokens.sign(fuzzer);
  const codeLike = fc.oneof(fc.constantFrom('330000000000', '330100000000', '000000000000', '33'), fc.string({ maxLength: 14 }));
  const params = fc.dictionary(fc.constantFrom('code', 'jobId', 'deptId', 'sub'), codeLike);

  for (const op of ALL_OPERATIONS) {
    it(`${op.method} ${op.path}`, async () => {
      await fc.assert(
        fc.asyncProperty(
          params,
          fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 3 }),
          fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
          async (p, query, body) => {
            const res = await api(op, { params: p, query, body, token });
            expect(res.status, JSON.stringify({ p, query, body, res })).toBeLessThan(500);
          },
        ),
        { numRuns: 60 },
      );
    });
  }
});
