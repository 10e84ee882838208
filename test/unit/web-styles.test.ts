import { describe, expect, it } from 'vitest';
import { PRINT_STYLES, STYLES } from '../../functions/web/styles';

/** The top-level blocks of a stylesheet: each `selector{…}` or `@media …{…}` with its nested braces. */
function blocks(css: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < css.length; i++) {
    if (css[i] === '{') depth++;
    if (css[i] === '}' && --depth === 0) {
      out.push(css.slice(start, i + 1));
      start = i + 1;
    }
  }
  expect(depth, 'braces balance').toBe(0);
  return out;
}

describe('the site stylesheets', () => {
  it('keeps screen rules in the inline sheet and only print rules in the print sheet', () => {
    // The print sheet is linked with media="print": a screen rule there would never apply on a screen.
    expect(blocks(PRINT_STYLES).filter((b) => !b.startsWith('@media print'))).toEqual([]);
    expect(blocks(STYLES).some((b) => b.startsWith('label.option{display:flex'))).toBe(true);
  });
});
