import type * as z from './zod';
import type { Lang, Text } from './i18n';
import { say } from './i18n';

/**
 * Every message a caller can get about a field (domain modules use the same ones for the same problems), as a plain sentence in both languages. `{n}` stands for a number
 * from the schema (a length, a bound), `{list}` for the values allowed. The validator never passes zod's own
 * wording through: each kind of problem zod reports maps to one of these, and a schema that needs something more
 * specific names its own message (see `worded`).
 */
export const FIELD_MESSAGES = {
  required: { zh: '此项必填', en: 'is required' },
  type_text: { zh: '应为文字', en: 'must be text' },
  type_number: { zh: '应为数字', en: 'must be a number' },
  type_integer: { zh: '应为整数', en: 'must be a whole number' },
  type_boolean: { zh: '应为 true 或 false', en: 'must be true or false' },
  type_object: { zh: '应为对象（一组字段）', en: 'must be an object (a set of fields)' },
  type_list: { zh: '应为列表', en: 'must be a list' },
  type_other: { zh: '类型不对', en: 'is of the wrong type' },
  empty: { zh: '不能为空', en: 'must not be empty' },
  text_min: { zh: '至少 {n} 个字', en: 'must be at least {n} characters' },
  text_max: { zh: '最多 {n} 个字', en: 'must be at most {n} characters' },
  text_exact: { zh: '必须是 {n} 个字', en: 'must be exactly {n} characters' },
  number_min: { zh: '不能小于 {n}', en: 'must be at least {n}' },
  number_above: { zh: '必须大于 {n}', en: 'must be greater than {n}' },
  number_max: { zh: '不能大于 {n}', en: 'must be at most {n}' },
  number_below: { zh: '必须小于 {n}', en: 'must be less than {n}' },
  number_multiple: { zh: '必须是 {n} 的整数倍', en: 'must be a multiple of {n}' },
  list_nonempty: { zh: '至少要有一项', en: 'must have at least one item' },
  list_min: { zh: '至少要有 {n} 项', en: 'must have at least {n} items' },
  list_max: { zh: '最多 {n} 项', en: 'must have at most {n} items' },
  format: { zh: '格式不正确', en: 'is not in the expected format' },
  date: { zh: '应为日期，例如 2026-03-02', en: 'must be a date such as 2026-03-02' },
  email: { zh: '不是有效的电子邮箱地址', en: 'must be an email address' },
  one_of: { zh: '只能是以下之一：{list}', en: 'must be one of: {list}' },
  unknown_field: { zh: '没有这个字段', en: 'is not a field of this request' },
  bad_name: { zh: '这个名称不可用', en: 'is not an accepted name' },
  invalid: { zh: '内容不符合要求', en: 'is not valid' },
  no_body: { zh: '该接口不接受请求体', en: 'this route takes no body' },
  // Our own checks, named by schemas through `params.i18n` (refinements) or `worded` (any other check).
  unit_code: { zh: '必须是 12 位统计用区划代码', en: 'must be a 12-digit division code' },
  invalid_resident_id: { zh: '居民身份证号码无效（GB 11643 校验未通过）', en: 'not a valid resident ID number (GB 11643 check failed)' },
  iso_day: { zh: '必须是真实存在的日期，格式为 YYYY-MM-DD', en: 'must be a real date written YYYY-MM-DD' },
  date_range_order: { zh: '结束日期不能早于开始日期', en: 'must not be before from' },
  date_range_length: { zh: '日期范围最长 366 天', en: 'the range is at most 366 days' },
  invalid_credit_code: { zh: '统一社会信用代码无效（GB 32100 校验未通过）', en: 'not a valid unified social credit code (GB 32100 check failed)' },
  mobile: { zh: '必须是 11 位手机号码', en: 'must be an 11-digit mobile number' },
  dept_id: { zh: '不是有效的部门编号', en: 'is not a department id' },
  dispute_id: { zh: '不是有效的争议编号', en: 'is not a dispute id' },
  account_id: {
    zh: '账号标识只能包含字母、数字和 . _ : @ | -，最多 128 个字符',
    en: 'an account id has only letters, digits and . _ : @ | -, at most 128 characters',
  },
  deadline_name: {
    zh: '期限名称须以字母开头，只包含字母、数字、点和连字符，最多 64 个字符',
    en: 'a deadline name starts with a letter and has only letters, digits, dots and hyphens, at most 64 characters',
  },
  phone: { zh: '电话号码只能包含数字、空格和 + ( ) -，3 到 32 个字符', en: 'a phone number has only digits, spaces and + ( ) -, 3 to 32 characters' },
  nothing_to_change: { zh: '没有要修改的内容', en: 'there is nothing to change' },
  name_or_status: { zh: '请填写新名称或新状态', en: 'give a new name or a new status' },
  tree_too_deep: { zh: '区划树最多 5 层（省、市、县、乡、村）', en: 'a division tree is at most 5 levels deep (province to village)' },
} as const satisfies Record<string, Text>;

export type MessageKey = keyof typeof FIELD_MESSAGES;

const ownMessage = new WeakMap<object, MessageKey>();

/**
 * Gives a check (a pattern, a length limit) one of our messages instead of the generic one for its kind, and keeps
 * the check itself, so the OpenAPI document still shows the pattern or the limit.
 */
export function worded<C extends object>(check: C, key: MessageKey): C {
  ownMessage.set(check, key);
  return check;
}

type RawIssue = z.core.$ZodRawIssue & { inst?: object; params?: { i18n?: string } };

const fill = (text: Text, lang: Lang, values: { n?: number | bigint; list?: string } = {}) =>
  say(text, lang)
    .replace('{n}', String(values.n ?? ''))
    .replace('{list}', values.list ?? '');

const TYPE_MESSAGES: Record<string, MessageKey> = {
  string: 'type_text',
  number: 'type_number',
  int: 'type_integer',
  boolean: 'type_boolean',
  object: 'type_object',
  array: 'type_list',
  record: 'type_object',
};

const M = FIELD_MESSAGES;

/** The caller-facing sentence for one issue zod raised: the schema's own message if it names one, else its kind's. */
export function describeIssue(issue: RawIssue, lang: Lang): string {
  const own = (issue.inst && ownMessage.get(issue.inst)) ?? issue.params?.i18n;
  if (own && own in M) return say(M[own as MessageKey], lang);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return say(M.required, lang);
      return say(M[TYPE_MESSAGES[issue.expected] ?? 'type_other'], lang);
    case 'too_small': {
      const n = issue.minimum;
      if (issue.origin === 'string') return issue.exact ? fill(M.text_exact, lang, { n }) : n === 1 ? say(M.empty, lang) : fill(M.text_min, lang, { n });
      if (issue.origin === 'array' || issue.origin === 'set') return n === 1 ? say(M.list_nonempty, lang) : fill(M.list_min, lang, { n });
      return fill(issue.inclusive === false ? M.number_above : M.number_min, lang, { n });
    }
    case 'too_big': {
      const n = issue.maximum;
      if (issue.origin === 'string') return fill(issue.exact ? M.text_exact : M.text_max, lang, { n });
      if (issue.origin === 'array' || issue.origin === 'set') return fill(M.list_max, lang, { n });
      return fill(issue.inclusive === false ? M.number_below : M.number_max, lang, { n });
    }
    case 'invalid_format':
      if (issue.format === 'date') return say(M.date, lang);
      if (issue.format === 'email') return say(M.email, lang);
      return say(M.format, lang);
    case 'not_multiple_of':
      return fill(M.number_multiple, lang, { n: issue.divisor });
    case 'invalid_value':
      return fill(M.one_of, lang, { list: issue.values.map(String).join(lang === 'en' ? ', ' : '、') });
    case 'unrecognized_keys':
      return say(M.unknown_field, lang);
    case 'invalid_key':
      // A record key: what its own schema said about it, else plainly that the name is not accepted.
      return issue.issues[0]?.message ?? say(M.bad_name, lang);
    default:
      return say(M.invalid, lang);
  }
}
