import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ALL_OPERATIONS } from '../../functions/catalog';
import { ERRORS, type ErrorCode } from '../../shared/errors';
import { errorCodesOf } from '../../shared/http/openapi';
import type { Operation } from '../../shared/http/operation';
import type { Principal } from '../../shared/roles';
import type { Store } from '../../shared/store/store';
import * as z from '../../shared/zod';
import { newUnit } from '../../tenants/units';
import { unitItem } from '../../tenants/unit';
import { seedAccounts } from '../support/accounts';
import { inProcessApi, type Answer, type Call } from '../support/in-process-api';
import { memoryDeps } from '../support/memory-deps';
import { mutations, validArb } from '../support/schema-inputs';
import { testTokens } from '../support/tokens';

/**
 * Bad input never produces a 5xx, and a refusal never leaves anything behind. Every operation, called by every
 * role, gets: inputs drawn from its own schemas (valid, or broken in one place), arbitrary JSON, and arbitrary
 * headers, media types and raw bodies. Each answer must carry a real status below 500; a 4xx must be one of the
 * errors the OpenAPI document lists for the operation and must have written nothing (store, queues, files);
 * a 2xx must be the documented success with a body of the documented shape.
 */

/** Counts the writes that took effect (a conditional write that was refused wrote nothing). */
function counting(store: Store) {
  const counter = { writes: 0 };
  const wrap =
    <A extends unknown[]>(f: (...a: A) => Promise<void>) =>
    async (...a: A) => {
      await f(...a);
      counter.writes++;
    };
  const counted: Store = {
    get: (t, k) => store.get(t, k),
    getMany: (t, ks) => store.getMany(t, ks),
    query: (q) => store.query(q),
    write: wrap((w) => store.write(w)),
    transact: wrap((ws) => store.transact(ws)),
    putMany: wrap((t, items) => store.putMany(t, items)),
  };
  return { counted, counter };
}

const PRINCIPALS: Principal[] = [
  { sub: 'fuzz-province', role: 'province-admin', unit: '330000000000' },
  { sub: 'fuzz-unit-admin', role: 'unit-admin', unit: '330100000000' },
  { sub: 'fuzz-staff', role: 'staff', unit: '330102000000' },
  { sub: 'fuzz-auditor', role: 'auditor', unit: '330000000000' },
  { sub: 'fuzz-citizen', role: 'citizen', unit: '330102001001' },
  { sub: 'fuzz-business', role: 'business', unit: '330102001000' },
];

describe('bad input to every operation, from every role', async () => {
  const { deps: base, sent, objects } = memoryDeps();
  const { counted, counter } = counting(base.store);
  const deps = { ...base, store: counted };
  const at = deps.now().toISOString();
  await base.store.putMany('registry', [
    unitItem(newUnit('330000000000', '浙江省', undefined, at)),
    unitItem(newUnit('330100000000', '杭州市', '330000000000', at)),
    unitItem(newUnit('330102000000', '上城区', '330100000000', at)),
    unitItem(newUnit('330102001000', '清波街道', '330102000000', at)),
    unitItem(newUnit('330102001001', '清波社区', '330102001000', at)),
  ]);
  await seedAccounts(base.store, PRINCIPALS);
  const tokens = await testTokens();
  const api = await inProcessApi(deps, tokens.verifier);
  const tokenOf = new Map(await Promise.all(PRINCIPALS.map(async (p) => [p.role, await tokens.sign(p)] as const)));
  const role = fc.constantFrom(...PRINCIPALS.map((p) => p.role));

  /** Calls and checks the answer against everything the contract promises. */
  async function check(op: Operation, call: Call): Promise<Answer> {
    const before = { writes: counter.writes, sent: sent.length, objects: objects.size };
    const res = await api(op, call);
    const label = JSON.stringify({ call: { ...call, token: call.token && '…' }, res }).slice(0, 2000);
    expect(Number.isInteger(res.status) && res.status >= 200 && res.status < 500, label).toBe(true);
    if (res.status >= 400) {
      if (op.response.type || op.errorFormat) {
        // A page's refusal is a page, a standard's error body carries the status, not the code: either way one
        // of the listed errors must have that status.
        if (op.errorFormat) expect(op.errorFormat.schema.safeParse(res.body).error?.issues, label).toBeUndefined();
        expect(errorCodesOf(op).map((c) => ERRORS[c].status), label).toContain(res.status);
      } else {
        const code = res.body?.error?.code as ErrorCode;
        expect(errorCodesOf(op), label).toContain(code);
        expect(ERRORS[code].status, label).toBe(res.status);
      }
      expect({ writes: counter.writes, sent: sent.length, objects: objects.size }, `a ${res.status} wrote something: ${label}`).toEqual(before);
    } else {
      expect(res.status, label).toBe(op.response.status);
      expect(op.response.schema.safeParse(res.body ?? '').error?.issues, label).toBeUndefined();
    }
    return res;
  }

  const schemaInput = (s: z.ZodMiniType | undefined, text: boolean, none: unknown) => (s ? validArb(s, text) : fc.constant(none));

  // Sign-in's first step only sends the browser to the identity provider, after reading the provider's discovery
  // document: there is none here. The browser tests go through it end to end, on the local issuer.
  for (const op of ALL_OPERATIONS.filter((o) => o.id !== 'webSignIn')) {
    describe(`${op.method} ${op.path}`, () => {
      it('inputs drawn from its own schemas: valid, or broken in one place', async () => {
        const valid = fc.record({
          params: schemaInput(op.params, true, {}),
          query: schemaInput(op.query, true, {}),
          body: schemaInput(op.body, false, undefined),
        });
        const part = fc.constantFrom('none', ...(['params', 'query', 'body'] as const).filter((w) => op[w]));
        // Mostly a role the route is open to, so that inputs get past the door and reach validation and the domain.
        const caller = op.roles ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...op.roles) }, { weight: 1, arbitrary: role }) : role;
        await fc.assert(
          fc.asyncProperty(caller, valid, part, fc.nat(), async (r, input, where, pick) => {
            const sent: Record<string, unknown> = { ...input };
            if (where !== 'none') {
              const broken = mutations(op[where]!, input[where], where !== 'body');
              sent[where] = broken[pick % broken.length]!.value;
            }
            // A broken parameter may be anything; the gateway only ever passes strings, so send it as it would.
            const asStrings = (v: unknown) =>
              Object.fromEntries(Object.entries((v ?? {}) as object).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]));
            await check(op, { params: asStrings(sent.params), query: asStrings(sent.query), body: sent.body, token: tokenOf.get(r) });
          }),
          { numRuns: 40 },
        );
      });

      it('arbitrary JSON bodies, parameters and queries', async () => {
        const codeLike = fc.oneof(fc.constantFrom('330000000000', '330100000000', '000000000000', '33'), fc.string({ maxLength: 14 }));
        await fc.assert(
          fc.asyncProperty(
            role,
            fc.dictionary(fc.constantFrom('code', 'jobId', 'deptId', 'sub'), codeLike),
            fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 3 }),
            fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
            async (r, params, query, body) => void (await check(op, { params, query, body, token: tokenOf.get(r) })),
          ),
          // Once found by chance: an object whose toString is not a function, where a form route expects text.
          { numRuns: 25, examples: [['province-admin', {}, {}, [{ toString: false }]]] },
        );
      });

      it('arbitrary headers, media types and raw bodies', async () => {
        const contentType = fc.oneof(
          fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/jsonx', 'text/plain', 'application/x-www-form-urlencoded', ''),
          fc.string({ maxLength: 30 }),
        );
        const authorization = (r: string) =>
          fc.oneof(
            fc.constant(`Bearer ${tokenOf.get(r as Principal['role'])}`),
            fc.constant(`bearer ${tokenOf.get(r as Principal['role'])}`),
            fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer a.b.c', `Bearer ${'x'.repeat(5000)}`),
            fc.string({ maxLength: 40 }),
          );
        const rawBody = fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v).slice(0, -1)),
          fc.constantFrom('', ' ', 'null', '[]', '{}', '\u0000', '{"__proto__":{"x":1}}', '['.repeat(5000)),
          // Valid JSON nested far deeper than any schema: nothing may recurse into it unbounded.
          fc.constantFrom('['.repeat(3000) + ']'.repeat(3000), '{"children":['.repeat(2000) + '{}' + ']}'.repeat(2000)),
        );
        await fc.assert(
          fc.asyncProperty(
            role.chain((r) =>
              fc.record({
                authorization: authorization(r),
                'content-type': contentType,
                'accept-language': fc.oneof(fc.constantFrom('en', 'zh-CN', 'en-GB,en;q=0.9', '*', ''), fc.string({ maxLength: 20 })),
                'x-request-id': fc.string({ maxLength: 60 }),
              }, { requiredKeys: ['authorization'] }),
            ),
            fc.option(rawBody, { nil: undefined }),
            fc.boolean(),
            async (headers, raw, base64) => {
              const rawBody = raw === undefined || !base64 ? raw : Buffer.from(raw).toString('base64');
              await check(op, { params: { code: '330100000000', jobId: 'x', deptId: 'x', sub: 'x' }, headers, rawBody, base64 });
            },
          ),
          { numRuns: 25 },
        );
      });
    });
  }
});
