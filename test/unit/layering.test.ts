import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Dependencies point down: infra → functions → tenants → shared. Each layer may import only the layers below it,
 * so the pipeline and the store stay usable by every capability without pulling in the ones above.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const LAYERS = ['infra', 'functions', 'tenants', 'shared'] as const;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mts|mjs)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

/** Every relative module a file imports (static or dynamic), as a path from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.map((s) => relative(ROOT, resolve(ROOT, file, '..', s)));
}

describe('layering', () => {
  for (const [i, layer] of LAYERS.entries()) {
    const above = LAYERS.slice(0, i);
    it(`${layer}/ imports none of ${above.join(', ') || 'nothing above'}`, () => {
      const wrong = sources(layer).flatMap((f) =>
        importsOf(f)
          .filter((target) => above.some((a) => target === a || target.startsWith(`${a}/`)))
          .map((target) => `${f} → ${target}`),
      );
      expect(wrong).toEqual([]);
    });
  }

  it('finds the imports it judges (the scan is not vacuous)', () => {
    expect(importsOf('functions/api-function.ts')).toContain('tenants/scope');
    expect(importsOf('infra/stack.ts')).toContain('infra/manifest');
  });
});
