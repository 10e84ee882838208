import { describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { ALL_OPERATIONS } from '../../functions/catalog';
import { ERRORS } from '../../shared/errors';
import { errorCodesOf, openApiDocument } from '../../shared/http/openapi';
import { ROUTES } from '../../infra/manifest';

describe('OpenAPI document', () => {
  const doc = openApiDocument(ALL_OPERATIONS, '0.0.0-test');

  it('is valid OpenAPI 3.1 according to a real validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('every $ref points at something in the document', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const target = ref.split('/').reduce<any>((node, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
      expect(target, ref).toBeDefined();
    }
  });

  it('documents exactly the routes of the manifest', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(ROUTES.map((r) => r.key).sort());
  });

  it("passes Redocly's recommended ruleset with nothing left over", async () => {
    const config = await createConfig({
      extends: ['recommended'],
      rules: {
        // The project publishes no licence, so there is no SPDX identifier or URL to give: the licence object names
        // the deploying government's terms, which only the deployment knows.
        'info-license-strict': 'off',
      },
    });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it('documents every error each operation can give, all with the one error schema', () => {
    for (const op of ALL_OPERATIONS) {
      const responses = (doc.paths[op.path] as Record<string, { responses: Record<string, any> }>)[op.method.toLowerCase()]!.responses;
      const statuses = Object.keys(responses).filter((s) => /^[45]\d\d$/.test(s)).map(Number);
      expect(statuses.sort(), op.id).toEqual([...new Set(errorCodesOf(op).map((c) => ERRORS[c].status))].sort());
      expect(statuses, op.id).toContain(400);
      if (op.auth === 'jwt') expect(statuses, op.id).toEqual(expect.arrayContaining([401, 403]));
      if (op.body) expect(statuses, op.id).toEqual(expect.arrayContaining([413, 415]));
      for (const s of [...statuses.map(String), 'default']) {
        // A standard's route answers in the standard's error format (Open311's list of {code, description}).
        const expected = op.errorFormat ? expect.objectContaining({ type: 'array' }) : { $ref: '#/components/schemas/Error' };
        expect(responses[s].content['application/json'].schema, `${op.id} ${s}`).toEqual(expected);
      }
    }
  });
});
