import { describe, expect, it } from 'vitest';
import { ALL_OPERATIONS } from '../../functions/catalog';
import type { FieldError } from '../../shared/errors';
import type { Lang } from '../../shared/i18n';
import { parseRequestPart } from '../../shared/http/middlewares/validate-input';
import { FIELD_MESSAGES, type MessageKey } from '../../shared/validation-messages';
import * as z from '../../shared/zod';
import { mutations, sampleOf } from '../support/schema-inputs';

/** Each message of the list as a pattern over what the caller sees: `{n}` a number, `{list}` the allowed values. */
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const patterns = (lang: Lang) =>
  Object.entries(FIELD_MESSAGES).map(([key, text]) => ({
    key: key as MessageKey,
    re: new RegExp(`^${escape(lang === 'en' ? text.en : text.zh).replace('\\{n\\}', '-?[0-9.]+').replace('\\{list\\}', '.+')}$`),
  }));
const OWN = { 'zh-CN': patterns('zh-CN'), en: patterns('en') };
/** zod's own wording, in either of its locales, and the jargon it is made of. */
const JARGON = {
  'zh-CN': /期望|实际接收|数值过|无效输入|无效字符串|无效选项|未知的键|string|number|>=|<=/,
  en: /Invalid|[Ee]xpected (string|number|int|object|array|boolean)|received|Too (small|big)|\bstring\b|>=|<=|Unrecognized/,
};

function messagesFor(schema: z.ZodMiniType, value: unknown, where: string, lang: Lang): FieldError[] {
  const fields: FieldError[] = [];
  parseRequestPart(schema, value, where, lang, fields);
  return fields;
}

/** Which of our messages a field error is, if any. */
const ownKey = (lang: Lang, message: unknown) => OWN[lang].find((p) => p.re.test(String(message)))?.key;

/** A valid sample of a request part, and each broken variant of it with the field errors it gets in both languages. */
function walk(schema: z.ZodMiniType, where: string) {
  const text = where !== 'body';
  const valid = sampleOf(schema, text);
  const broken = mutations(schema, valid, text).map((m) => ({
    ...m,
    zh: messagesFor(schema, m.value, where, 'zh-CN'),
    en: messagesFor(schema, m.value, where, 'en'),
  }));
  return { valid, broken };
}

describe('every message a caller can get from validation', () => {
  const parts = ALL_OPERATIONS.flatMap((op) =>
    (['params', 'query', 'body'] as const).flatMap((where) => (op[where] ? [{ op, where, schema: op[where]! }] : [])),
  );

  for (const { op, where, schema } of parts) {
    it(`${op.id} ${where}: each broken field gets a plain sentence of our own, in zh-CN and in English`, () => {
      const { valid, broken } = walk(schema, where);
      expect(messagesFor(schema, valid, where, 'zh-CN')).toEqual([]);
      expect(broken.length).toBeGreaterThan(0);
      for (const { zh, en, ...m } of broken) {
        const label = `${op.id} ${where} ${m.path || '(whole)'} ${m.kind}`;
        if (m.mustFail) expect(zh.length, label).toBeGreaterThan(0);
        expect(en.map((f) => f.path), label).toEqual(zh.map((f) => f.path));
        for (const [lang, fields] of [['zh-CN', zh], ['en', en]] as const) {
          for (const f of fields) {
            const message = String(f.message);
            expect(ownKey(lang, message), `${label} [${lang}] "${message}" is not one of ours`).toBeDefined();
            expect(message, `${label} [${lang}]`).not.toMatch(JARGON[lang]);
          }
        }
        zh.forEach((f, i) => {
          expect(f.message, label).not.toBe(en[i]!.message);
          expect(String(f.message), label).toMatch(/[\u4e00-\u9fff]/);
          expect(String(en[i]!.message), label).not.toMatch(/[\u4e00-\u9fff]/);
        });
      }
    });
  }

  // Walks every part again rather than collecting what the tests above saw, so that it holds whatever ran before it.
  it('the walk reached every kind of check the schemas use', () => {
    const seen = new Set(
      parts.flatMap(({ schema, where }) =>
        walk(schema, where).broken.flatMap(({ zh, en }) => [...zh.map((f) => ownKey('zh-CN', f.message)), ...en.map((f) => ownKey('en', f.message))]),
      ),
    );
    const expected: MessageKey[] = [
      'required', 'type_text', 'type_number', 'type_integer', 'type_object', 'type_list', 'empty', 'text_max', 'text_min',
      'number_min', 'number_max', 'list_nonempty', 'list_max', 'date', 'email', 'one_of', 'unknown_field',
      'invalid', 'unit_code', 'invalid_resident_id', 'invalid_credit_code', 'mobile', 'dept_id', 'account_id',
      'deadline_name', 'phone', 'nothing_to_change', 'name_or_status', 'tree_too_deep',
    ];
    expect(expected.filter((k) => !seen.has(k))).toEqual([]);
  });

  it('an empty name reads as a plain sentence, as the issue that started this put it', () => {
    const name = z.strictObject({ name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)) });
    expect(messagesFor(name, { name: '  ' }, 'body', 'zh-CN')).toEqual([{ path: 'body.name', message: '不能为空' }]);
    expect(messagesFor(name, { name: '' }, 'body', 'en')).toEqual([{ path: 'body.name', message: 'must not be empty' }]);
    expect(messagesFor(name, { name: '名'.repeat(101) }, 'body', 'zh-CN')).toEqual([{ path: 'body.name', message: '最多 100 个字' }]);
    expect(messagesFor(name, { name: 'x'.repeat(101) }, 'body', 'en')).toEqual([{ path: 'body.name', message: 'must be at most 100 characters' }]);
  });
});
