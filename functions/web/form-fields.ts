import type * as z from '../../shared/zod';
import { ApiError, type FieldError } from '../../shared/errors';
import { parseRequestPart } from '../../shared/http/middlewares/validate-input';
import type { Text } from '../../shared/i18n';
import type { Field } from '../services/forms';
import { html, type Html } from './html';
import { t, type PageContext } from './page';

/**
 * The parts every citizen form shares: a field as HTML (label, hint, the message beside it, the value kept), the
 * summary of mistakes above the form, and the answers of an item's form read from the posted strings. A field's
 * error paragraph is always there (hidden while empty), so the in-page check fills the very same place.
 */

export const FORM_TEXT = {
  optional: { zh: '（选填）', en: ' (optional)' },
  errorSummary: { zh: '请修改以下问题', en: 'There is a problem' },
  badForm: { zh: '表单已过期，请重新填写提交。', en: 'This form has expired; please fill it in again.' },
} satisfies Record<string, Text>;

export type Values = Record<string, string | string[]>;
/** Field name → the first message about it, in the order the checks gave them. */
export type Errors = Map<string, string>;

export const fieldId = (name: string) => name.replace('.', '-');

export function fieldHtml(ctx: PageContext, name: string, label: string, f: Pick<Field, 'type' | 'required' | 'options' | 'hint'>, values: Values, errors: Errors): Html {
  const id = fieldId(name);
  const value = values[name];
  const one = Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
  const error = errors.get(name);
  const described = [f.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const aria = html`${error ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}`;
  const head = html`${f.hint ? html`<p class="hint" id="${id}-hint">${f.hint}</p>` : ''}<p class="error" id="${id}-error"${error ? '' : html` hidden`}>${error ?? ''}</p>`;
  const title = html`${label}${f.required ? '' : t(ctx, FORM_TEXT.optional)}`;
  const box = (inner: Html) => html`<div class="field${error ? ' invalid' : ''}" id="${id}-field">${inner}</div>`;
  if (f.type === 'choice' || f.type === 'choices') {
    const chosen = new Set(Array.isArray(value) ? value : value ? [value] : []);
    const kind = f.type === 'choice' ? 'radio' : 'checkbox';
    return box(html`<fieldset${aria}><legend>${title}</legend>${head}
${(f.options ?? []).map((o, i) => html`<label class="option"><input type="${kind}" id="${id}-${i}" name="${name}" value="${o}"${chosen.has(o) ? html` checked` : ''}> ${o}</label>`)}
</fieldset>`);
  }
  if (f.type === 'boolean') {
    return box(html`${head}<label class="option"><input type="checkbox" id="${id}" name="${name}" value="true"${one === 'true' ? html` checked` : ''}${aria}> ${title}</label>`);
  }
  const input =
    f.type === 'longText'
      ? html`<textarea id="${id}" name="${name}" rows="5"${aria}>${one}</textarea>`
      : html`<input id="${id}" name="${name}" value="${one}" type="${f.type === 'date' ? 'date' : 'text'}"${
          f.type === 'mobile' ? html` inputmode="tel" autocomplete="tel"` : f.type === 'numeric' ? html` inputmode="decimal"` : ''
        }${aria}>`;
  return box(html`<label for="${id}">${title}</label>${head}${input}`);
}

/** The mistakes above a form, each a link to its field; focusable so that it can be announced and moved to. */
export const errorSummary = (ctx: PageContext, errors: Errors): Html =>
  errors.size
    ? html`<div class="errors" role="alert" tabindex="-1"><h2>${t(ctx, FORM_TEXT.errorSummary)}</h2><ul>${[...errors].map(
        ([k, m]) => html`<li><a href="#${fieldId(k)}">${m}</a></li>`,
      )}</ul></div>`
    : html``;

/** Typed answers of an item's form from an HTML form's strings (under `form.`): an empty answer is no answer. */
export function formAnswers(fields: Field[], values: Values): Record<string, unknown> {
  const form: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = values[`form.${f.name}`];
    const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((x) => x !== '');
    if (f.type === 'choices') {
      if (list.length) form[f.name] = list;
      continue;
    }
    const v = list[0];
    if (v === undefined) continue;
    form[f.name] = f.type === 'numeric' ? (Number.isFinite(Number(v)) ? Number(v) : v) : f.type === 'boolean' ? v === 'true' : v;
  }
  return form;
}

/** One posted value as a string (the first, if a name came more than once). */
export const one = (values: Values, name: string) => {
  const v = values[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
};

/**
 * Runs the checks in order and gathers every field error they raise (the API's own messages, in the reader's
 * language), keyed by field without the `body.` prefix; the first message of a field wins.
 */
export function gather(ctx: Pick<PageContext, 'lang'>, checks: (() => unknown)[], into: Errors = new Map()): Errors {
  for (const check of checks) {
    try {
      check();
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 'validation_failed') throw e;
      addErrors(ctx, e, into);
    }
  }
  return into;
}

export function addErrors(ctx: Pick<PageContext, 'lang'>, e: ApiError, into: Errors): Errors {
  for (const f of e.body(ctx.lang).error.fields) {
    const key = f.path.replace(/^body\./, '');
    if (!into.has(key)) into.set(key, f.message);
  }
  return into;
}

/** A request schema as one of the checks `gather` runs: its problems as field errors in the reader's language. */
export const schemaCheck = (ctx: Pick<PageContext, 'lang'>, schema: z.ZodMiniType | undefined, value: unknown) => () => {
  const fields: FieldError[] = [];
  parseRequestPart(schema, value, 'body', ctx.lang, fields);
  if (fields.length) throw new ApiError('validation_failed', fields);
};
