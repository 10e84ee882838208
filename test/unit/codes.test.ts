import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ancestorCandidates, fitsUnder, isUnitCode, levelOf, prefixOf } from '../../shared/codes';

describe('division codes', () => {
  it('derives level and prefix from the code', () => {
    expect([levelOf('330000000000'), prefixOf('330000000000')]).toEqual(['province', '33']);
    expect([levelOf('330100000000'), prefixOf('330100000000')]).toEqual(['city', '3301']);
    expect([levelOf('330102000000'), prefixOf('330102000000')]).toEqual(['county', '330102']);
    expect([levelOf('330102001000'), prefixOf('330102001000')]).toEqual(['township', '330102001']);
    expect([levelOf('330102001051'), prefixOf('330102001051')]).toEqual(['village', '330102001051']);
  });

  it('handles a township directly under a city (东莞)', () => {
    expect(levelOf('441900003000')).toBe('township');
    expect(ancestorCandidates('441900003000')).toEqual(['441900000000', '440000000000']);
    expect(fitsUnder('441900003000', '441900000000')).toBe(true);
  });

  it('rejects malformed codes', () => {
    for (const bad of ['33', '000000000000', '3300000000001', '33a000000000', '330001000000', '330000001000']) {
      expect(isUnitCode(bad), bad).toBe(false);
    }
    expect(isUnitCode('419001000000')).toBe(true);
  });

  it('a unit prefix begins every descendant code and no sibling code', () => {
    const code = fc
      .tuple(fc.integer({ min: 11, max: 82 }), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 999 }))
      .map(([p, c, x, t, v]) => `${p}${String(c).padStart(2, '0')}${String(x).padStart(2, '0')}${String(t).padStart(3, '0')}${String(v).padStart(3, '0')}`);
    fc.assert(
      fc.property(code, code, (a, b) => {
        for (const anc of ancestorCandidates(a)) expect(a.startsWith(prefixOf(anc))).toBe(true);
        if (a !== b && levelOf(a) === levelOf(b)) expect(b.startsWith(prefixOf(a))).toBe(false);
      }),
    );
  });
});
