import type { Text } from './i18n';

/** Field messages of our own checks, found through a schema's `params.i18n` key. */
export const FIELD_MESSAGES: Record<string, Text> = {
  unit_code: { zh: '必须是 12 位统计用区划代码', en: 'must be a 12-digit division code' },
  invalid_resident_id: { zh: '居民身份证号码无效（GB 11643 校验未通过）', en: 'not a valid resident ID number (GB 11643 check failed)' },
  iso_day: { zh: '必须是真实存在的日期，格式为 YYYY-MM-DD', en: 'must be a real date written YYYY-MM-DD' },
  date_range_order: { zh: '结束日期不能早于开始日期', en: 'must not be before from' },
  date_range_length: { zh: '日期范围最长 366 天', en: 'the range is at most 366 days' },
  invalid_credit_code: { zh: '统一社会信用代码无效（GB 32100 校验未通过）', en: 'not a valid unified social credit code (GB 32100 check failed)' },
};
