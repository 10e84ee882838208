import * as z from '../../shared/zod';
import { ApiError, type FieldError } from '../../shared/errors';
import type { Text } from '../../shared/i18n';
import { creditCodeSchema, residentIdSchema } from '../../shared/identity-codes';
import { describeIssue, FIELD_MESSAGES, worded } from '../../shared/validation-messages';

/**
 * Application forms as data: an item's form is a list of fields (name, label, type, whether required, options,
 * bounds), stored with the item and shown in its guide, from which the zod schema that checks an application is
 * built. No regular expressions are taken from the definer: a pattern written at a province would run on every
 * application in it, and a badly written one can take exponential time.
 */

export const FIELD_TYPES = ['text', 'longText', 'numeric', 'date', 'choice', 'choices', 'boolean', 'residentId', 'creditCode', 'mobile'] as const;

const label = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));
export const fieldSchema = z.strictObject({
  /** The key in the submitted form; fields of one name in a bundle's items are asked once. */
  name: z.string().check(z.regex(/^[a-zA-Z][a-zA-Z0-9]{0,39}$/)),
  label,
  type: z.enum(FIELD_TYPES),
  required: z.boolean(),
  /** The choices of a `choice` or `choices` field. */
  options: z.optional(z.array(label).check(z.minLength(1), z.maxLength(50))),
  /** Bounds: the length of a text, the value of a number. */
  min: z.optional(z.int().check(z.gte(0), z.lte(1_000_000))),
  max: z.optional(z.int().check(z.gte(0), z.lte(1_000_000))),
  hint: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
});
export type Field = z.infer<typeof fieldSchema>;
export const formSchema = z.array(fieldSchema).check(z.maxLength(60));

/**
 * What a submitted form may be before its item's schema checks it: named values of any JSON kind, since which kind
 * each must be is the item's to say (and it says so field by field, in both languages).
 */
export const formValuesSchema = z.record(z.string().check(z.regex(/^[a-zA-Z][a-zA-Z0-9]{0,39}$/)), z.unknown());
export type FormValues = Record<string, unknown>;

const bad = (path: string, message: Text): FieldError => ({ path, message });

/** Mistakes in a form definition a schema cannot see: options on the wrong type, bounds the wrong way round, repeats. */
export function formDefinitionErrors(fields: Field[], at: string): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    const p = `${at}.${i}`;
    if (seen.has(f.name)) out.push(bad(`${p}.name`, { zh: `字段名「${f.name}」重复`, en: `the field name "${f.name}" is used twice` }));
    seen.add(f.name);
    const choice = f.type === 'choice' || f.type === 'choices';
    if (choice && !f.options) out.push(bad(`${p}.options`, { zh: '选择题须列出选项', en: 'a choice field needs its options' }));
    if (!choice && f.options) out.push(bad(`${p}.options`, { zh: '只有选择题可以有选项', en: 'only choice fields have options' }));
    if (f.min !== undefined && f.max !== undefined && f.min > f.max) {
      out.push(bad(`${p}.max`, { zh: '上限不能小于下限', en: 'max must not be below min' }));
    }
  });
  return out;
}

/** The shortest and longest answer a text field takes (after trimming): its own bounds within the type's limit. */
export function textBounds(f: Pick<Field, 'type' | 'min' | 'max'>): { min: number; max: number } {
  const limit = f.type === 'longText' ? 5_000 : 200;
  return { min: Math.max(f.min ?? 1, 1), max: Math.min(f.max ?? limit, limit) };
}

/** A mainland mobile number. */
export const MOBILE_PATTERN = /^1[3-9]\d{9}$/;

function fieldValue(f: Field): z.ZodMiniType {
  const text = () => {
    const { min, max } = textBounds(f);
    return z.string().check(z.trim(), z.minLength(min), z.maxLength(max));
  };
  switch (f.type) {
    case 'text':
    case 'longText':
      return text();
    case 'numeric':
      return z.number().check(...(f.min !== undefined ? [z.gte(f.min)] : []), ...(f.max !== undefined ? [z.lte(f.max)] : []));
    case 'date':
      return z.iso.date();
    case 'choice':
      return z.enum(f.options as [string, ...string[]]);
    case 'choices':
      return z.array(z.enum(f.options as [string, ...string[]])).check(z.minLength(1));
    case 'boolean':
      return z.boolean();
    case 'residentId':
      return residentIdSchema;
    case 'creditCode':
      return creditCodeSchema;
    case 'mobile':
      return z.string().check(worded(z.regex(MOBILE_PATTERN), 'mobile'));
  }
}

/** The zod schema of a form: its fields, each required or not, and nothing else. */
export function buildFormSchema(fields: Field[]) {
  return z.strictObject(Object.fromEntries(fields.map((f) => [f.name, f.required ? fieldValue(f) : z.optional(fieldValue(f))])));
}

/**
 * Checks `values` against the form; on failure a 400 whose field errors carry both languages, under `at`. Returns
 * the values as the schema leaves them (trimmed).
 */
export function checkForm(fields: Field[], values: FormValues, at: string): FormValues {
  const schema = buildFormSchema(fields);
  const zh = schema.safeParse(values, { error: (i) => describeIssue(i, 'zh-CN') });
  if (zh.success) return zh.data as FormValues;
  const en = schema.safeParse(values, { error: (i) => describeIssue(i, 'en') });
  const enIssues = en.success ? [] : en.error.issues;
  // A missing answer is "required" whatever kind of question it is (zod calls a missing choice an invalid option).
  const missing = new Set(fields.filter((f) => f.required && values[f.name] === undefined).map((f) => f.name));
  const errors: FieldError[] = zh.error.issues.flatMap((issue, n) => {
    const first = issue.path[0];
    if (typeof first === 'string' && missing.has(first)) return [{ path: `${at}.${first}`, message: FIELD_MESSAGES.required }];
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    return keys.map((k) => ({
      path: [at, ...issue.path.map(String), ...(k ? [k] : [])].join('.'),
      message: { zh: issue.message, en: enIssues[n]?.message ?? issue.message },
    }));
  });
  throw new ApiError('validation_failed', errors);
}

/**
 * The fields of several forms asked once each: a field of the same name in two forms is one question, and must be
 * the same kind of question (type and options) in both; it is required if any form requires it.
 */
export function combineForms(forms: { key: string; fields: Field[] }[]): { fields: Field[]; clashes: FieldError[] } {
  const byName = new Map<string, Field>();
  const clashes: FieldError[] = [];
  for (const { key, fields } of forms) {
    for (const f of fields) {
      const had = byName.get(f.name);
      if (!had) {
        byName.set(f.name, f);
        continue;
      }
      if (had.type !== f.type || JSON.stringify(had.options ?? []) !== JSON.stringify(f.options ?? [])) {
        clashes.push(
          bad(`body.items.${key}`, {
            zh: `字段「${f.name}」在各事项中的类型或选项不一致，不能合并`,
            en: `the field "${f.name}" differs in type or options between items and cannot be asked once`,
          }),
        );
        continue;
      }
      byName.set(f.name, {
        ...had,
        required: had.required || f.required,
        ...(had.min !== undefined || f.min !== undefined ? { min: Math.max(had.min ?? 0, f.min ?? 0) } : {}),
        ...(had.max !== undefined || f.max !== undefined ? { max: Math.min(had.max ?? Infinity, f.max ?? Infinity) } : {}),
      });
    }
  }
  return { fields: [...byName.values()], clashes };
}

/** The values of `values` that `fields` ask for. */
export const pick = (fields: Field[], values: FormValues): FormValues =>
  Object.fromEntries(fields.filter((f) => Object.hasOwn(values, f.name)).map((f) => [f.name, values[f.name]!]));
