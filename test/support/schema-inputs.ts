import fc from 'fast-check';
import type * as z from '../../shared/zod';
import { creditCodeCheckChar, orgCodeCheckChar, residentIdCheckChar } from '../../shared/identity-codes';

/**
 * Inputs drawn from an operation's own zod schemas: valid ones (fast-check arbitraries) and, from a valid one, the
 * same value broken in one place at a time, once per kind of check that place has. Written here because the
 * zod→fast-check libraries (zod-fast-check 0.10) target zod 3 and fast-check 3, not zod/mini 4; this covers the
 * schema kinds the project uses and throws on any other, so a new kind is noticed rather than skipped.
 *
 * `text` marks path and query parameters: everything arrives as a string there, numbers included.
 */

type Schema = z.ZodMiniType;
interface CheckDef {
  check?: string;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
  format?: string;
  pattern?: RegExp;
  params?: { i18n?: string };
}
interface Def extends CheckDef {
  type: string;
  coerce?: boolean;
  checks?: { _zod: { def: CheckDef } }[];
  innerType?: Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  keyType?: Schema;
  valueType?: Schema;
  options?: Schema[];
  entries?: Record<string, string>;
  values?: unknown[];
  catchall?: Schema;
}

const defOf = (s: Schema) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** A schema's checks, its own included (z.int() and z.iso.date() are schema and check at once). */
function checksOf(s: Schema): CheckDef[] {
  const d = defOf(s);
  return [...(d.check ? [d] : []), ...(d.checks ?? []).map((c) => c._zod.def)];
}

interface Bounds {
  min?: number;
  max?: number;
  int: boolean;
  minExclusive: boolean;
  maxExclusive: boolean;
  patterns: RegExp[];
  formats: string[];
  keys: string[];
}

function boundsOf(s: Schema): Bounds {
  const b: Bounds = { int: false, minExclusive: false, maxExclusive: false, patterns: [], formats: [], keys: [] };
  for (const c of checksOf(s)) {
    if (c.check === 'min_length') b.min = Math.max(b.min ?? 0, c.minimum!);
    if (c.check === 'max_length') b.max = Math.min(b.max ?? Infinity, c.maximum!);
    if (c.check === 'greater_than') [b.min, b.minExclusive] = [c.value!, c.inclusive === false];
    if (c.check === 'less_than') [b.max, b.maxExclusive] = [c.value!, c.inclusive === false];
    if (c.check === 'number_format') b.int = true;
    if (c.check === 'string_format' && c.format === 'regex') b.patterns.push(c.pattern!);
    else if (c.check === 'string_format') b.formats.push(c.format!);
    if (c.check === 'custom' && c.params?.i18n) b.keys.push(c.params.i18n);
  }
  return b;
}

/** Units that exist in the fuzz suite's tree, some that do not yet (inside and outside it), and another province. */
const unitCodes = fc.constantFrom(
  '330000000000', '330100000000', '330102000000', '330102001000', '330102001001',
  '330106000000', '330102002000', '330102001002', '330200000000', '110000000000',
);
const birthDay = fc.date({ min: new Date('1950-01-01'), max: new Date('2005-12-31'), noInvalidDate: true });
const residentId = fc.tuple(fc.constantFrom('330102', '110101'), birthDay, fc.integer({ min: 0, max: 999 })).map(([region, d, n]) => {
  const body = `${region}${d.toISOString().slice(0, 10).replaceAll('-', '')}${String(n).padStart(3, '0')}`;
  return body + residentIdCheckChar(body);
});
const creditCode = fc.stringMatching(/^\d{8}$/).map((org) => {
  const body = `91330102${org}${orgCodeCheckChar(org)}`;
  return body + creditCodeCheckChar(body);
});
const isoDays = fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
/** Strings our own refinements accept, by the message key they carry. */
const BY_KEY: Record<string, fc.Arbitrary<string>> = {
  unit_code: unitCodes,
  invalid_resident_id: residentId,
  invalid_credit_code: creditCode,
  iso_day: isoDays,
};

const chars = fc.constantFrom(...'杭州西湖区街道办事处社区村民委员会abcXYZ019-');

function stringArb(b: Bounds): fc.Arbitrary<string> {
  const byKey = b.keys.map((k) => BY_KEY[k]).find(Boolean);
  if (byKey) return byKey;
  if (b.formats.includes('date')) return isoDays;
  if (b.formats.includes('email')) return fc.constantFrom('office@hz.gov.cn', 'zhang.san@example.com');
  if (b.formats.includes('datetime')) {
    return fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
  }
  if (b.formats.length > 0) throw new Error(`no generator for the string format ${b.formats.join(', ')}`);
  const [pattern] = b.patterns;
  const min = b.min ?? 0;
  const max = Math.min(b.max ?? 40, min + 40);
  if (pattern) return fc.stringMatching(pattern).filter((s) => s.length >= min && s.length <= max);
  return fc.string({ unit: chars, minLength: min, maxLength: max });
}

function numberArb(b: Bounds): fc.Arbitrary<number> {
  const min = b.min === undefined ? -1000 : b.min + (b.minExclusive ? 1 : 0);
  const max = b.max === undefined ? 1000 : b.max - (b.maxExclusive ? 1 : 0);
  return b.int ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true });
}

const isOptional = (s: Schema) => ['optional', 'default'].includes(defOf(s).type);

/** Values the schema accepts (as sent: before trimming, coercion or defaults). */
export function validArb(s: Schema, text = false): fc.Arbitrary<unknown> {
  return arb(s, text).filter((v) => s.safeParse(v).success);
}

function arb(s: Schema, text: boolean): fc.Arbitrary<unknown> {
  const d = defOf(s);
  const b = boundsOf(s);
  switch (d.type) {
    case 'string':
      return stringArb(b);
    case 'number':
      return text || d.coerce ? numberArb(b).map(String) : numberArb(b);
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(d.entries!));
    case 'literal':
      return fc.constantFrom(...d.values!);
    case 'null':
      return fc.constant(null);
    case 'unknown':
    case 'any':
      return fc.jsonValue({ maxDepth: 2 });
    case 'optional':
    case 'default':
      return fc.option(arb(d.innerType!, text), { nil: undefined });
    case 'nullable':
      return fc.option(arb(d.innerType!, text), { nil: null });
    case 'object': {
      const shape = d.shape!;
      const fields = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, arb(isOptional(v) ? defOf(v).innerType! : v, text)]));
      const requiredKeys = Object.keys(shape).filter((k) => !isOptional(shape[k]!));
      return fc.record(fields, { requiredKeys });
    }
    case 'array': {
      const min = b.min ?? 0;
      return fc.array(arb(d.element!, text), { minLength: min, maxLength: Math.min(b.max ?? Infinity, min + 2) });
    }
    case 'record':
      return fc.dictionary(arb(d.keyType!, true) as fc.Arbitrary<string>, arb(d.valueType!, text), { maxKeys: 3 });
    case 'union':
      return fc.oneof(...d.options!.map((o) => arb(o, text)));
    default:
      throw new Error(`no generator for zod schemas of type ${d.type}`);
  }
}

/** One valid value, the same on every run. */
export function sampleOf(s: Schema, text = false): unknown {
  return fc.sample(validArb(s, text), { numRuns: 1, seed: 7 })[0];
}

export interface Mutation {
  /** Where the break is, and what kind it is (for the report when a check fails). */
  path: string;
  kind: string;
  /** The whole value with that one break in it. */
  value: unknown;
  /** False where the break may still be valid (an object with its optional fields left out). */
  mustFail: boolean;
}

const at = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));

/** The value broken in one place at a time: every field, every check that field has, plus its type and presence. */
export function mutations(s: Schema, value: unknown, text = false, path = ''): Mutation[] {
  const d = defOf(s);
  const b = boundsOf(s);
  const out: Mutation[] = [];
  const bad = (kind: string, v: unknown, mustFail = true) => out.push({ path, kind, value: v, mustFail });
  const num = (n: number) => (text || d.coerce ? String(n) : n);
  switch (d.type) {
    case 'optional':
    case 'default':
    case 'nullable':
      return mutations(d.innerType!, value ?? sampleOf(d.innerType!, text), text, path);
    case 'string':
      if (!text) bad('type', 12345);
      if (b.min !== undefined) bad('min', 'a'.repeat(b.min - 1));
      if (b.max !== undefined && b.max < 10_000) bad('max', '测'.repeat(b.max + 1));
      if (b.patterns.length > 0) bad('pattern', '#');
      if (b.formats.includes('date')) bad('date', '2026-02-30');
      if (b.formats.includes('email')) bad('email', 'not-an-email');
      if (b.formats.includes('datetime')) bad('datetime', '2026-02-30T25:00:00Z');
      if (b.keys.length > 0) bad(`refine:${b.keys.join(',')}`, '000000000000');
      return out;
    case 'number':
      bad('type', 'abc');
      if (b.int) bad('int', num(1.5));
      if (b.min !== undefined) bad('min', num(b.min - (b.minExclusive ? 0 : 1)));
      if (b.max !== undefined) bad('max', num(b.max + (b.maxExclusive ? 0 : 1)));
      return out;
    case 'boolean':
      bad('type', 'yes');
      return out;
    case 'enum':
    case 'literal':
      bad('value', 'no-such-value');
      return out;
    case 'unknown':
    case 'any':
    case 'null':
      return out;
    case 'object': {
      const obj = value as Record<string, unknown>;
      const shape = d.shape!;
      if (!text) bad('type', 'x');
      // Only a strict object refuses a key it does not know (a standard's form lets the client send more).
      bad('unknown key', { ...obj, zzUnknown: 1 }, d.catchall !== undefined && defOf(d.catchall).type === 'never');
      for (const [k, field] of Object.entries(shape)) {
        if (!isOptional(field)) {
          const { [k]: _, ...rest } = obj;
          bad(`required ${k}`, rest);
        }
        for (const m of mutations(field, obj[k], text, at(path, k))) out.push({ ...m, value: { ...obj, [k]: m.value } });
      }
      const requiredOnly = Object.fromEntries(Object.entries(obj).filter(([k]) => !isOptional(shape[k]!)));
      bad('only required fields', requiredOnly, false);
      return out;
    }
    case 'array': {
      const list = value as unknown[];
      bad('type', 'x');
      if (b.min !== undefined && b.min > 0) bad('min', []);
      const item = list[0] ?? (defOf(d.element!).type === 'unknown' ? {} : sampleOf(d.element!, text));
      if (b.max !== undefined) bad('max', Array.from({ length: b.max + 1 }, () => item));
      if (defOf(d.element!).type !== 'unknown') {
        for (const m of mutations(d.element!, item, text, at(path, 0))) out.push({ ...m, value: [m.value, ...list.slice(1)] });
      }
      return out;
    }
    case 'record': {
      const rec = value as Record<string, unknown>;
      bad('type', 'x');
      const key = Object.keys(rec)[0] ?? (sampleOf(d.keyType!, true) as string);
      const item = rec[key] ?? sampleOf(d.valueType!, text);
      if (boundsOf(d.keyType!).patterns.length > 0) bad('key', { ...rec, '#bad key': item });
      for (const m of mutations(d.valueType!, item, text, at(path, key))) out.push({ ...m, value: { ...rec, [key]: m.value } });
      return out;
    }
    case 'union': {
      bad('type', 42);
      const option = d.options!.find((o) => o.safeParse(value).success);
      // A break of one option may be another option's value (a number where a string or a number may stand).
      return [...out, ...(option ? mutations(option, value, text, path) : [])].map((m) => ({ ...m, mustFail: m.mustFail && !s.safeParse(m.value).success }));
    }
    default:
      throw new Error(`no mutations for zod schemas of type ${d.type}`);
  }
}
