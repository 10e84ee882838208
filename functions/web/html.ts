/**
 * HTML built from template literals: every interpolated value is escaped unless it is already `Html` (made by this
 * tag or `raw`), so a page cannot carry markup from its data. Lists of `Html` are joined.
 */
export class Html {
  constructor(readonly text: string) {}
  toString() {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

type Part = Html | string | number | false | null | undefined | readonly Part[];

const render = (v: Part): string =>
  v instanceof Html ? v.text : Array.isArray(v) ? v.map(render).join('') : v === false || v == null ? '' : escapeHtml(String(v));

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => (out += render(v) + strings[i + 1]!));
  return new Html(out);
}

/** Markup known to be safe (made here, never from data). */
export const raw = (s: string) => new Html(s);
