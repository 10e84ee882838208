import type { Text } from '../../shared/i18n';

/**
 * The columns of a 政府信息公开 page (政府信息公开目录), with an ASCII id each: ids name settings
 * (`disclosure.cadence.<id>`) and feeds, whose keys must be plain ASCII.
 */
export const CATEGORIES = {
  policy: { zh: '政策文件', en: 'Policy documents' },
  interpretation: { zh: '政策解读', en: 'Policy interpretations' },
  budget: { zh: '财政预决算', en: 'Budgets and final accounts' },
  procurement: { zh: '政府采购', en: 'Government procurement' },
  personnel: { zh: '人事任免', en: 'Appointments and removals' },
  planning: { zh: '规划计划', en: 'Plans and programmes' },
  'key-areas': { zh: '重点领域信息', en: 'Key areas' },
  organisation: { zh: '机构职能', en: 'Organisation and functions' },
  regulations: { zh: '法规规章', en: 'Laws, regulations and rules' },
  statistics: { zh: '统计信息', en: 'Statistics' },
  other: { zh: '其他', en: 'Other' },
} as const satisfies Record<string, Text>;

export type Category = keyof typeof CATEGORIES;
export const CATEGORY_IDS = Object.keys(CATEGORIES) as [Category, ...Category[]];

