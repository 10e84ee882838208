import type { Text } from './i18n';

/** Field messages of our own checks, found through a schema's `params.i18n` key. */
export const FIELD_MESSAGES: Record<string, Text> = {
  unit_code: { zh: '必须是 12 位统计用区划代码', en: 'must be a 12-digit division code' },
  invalid_resident_id: { zh: '居民身份证号码无效（GB 11643 校验未通过）', en: 'not a valid resident ID number (GB 11643 check failed)' },
  invalid_credit_code: { zh: '统一社会信用代码无效（GB 32100 校验未通过）', en: 'not a valid unified social credit code (GB 32100 check failed)' },
};
