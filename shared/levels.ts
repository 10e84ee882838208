/** The five government tiers, top down. A unit's level follows from its 12-digit 统计用区划代码. */
export const LEVELS = ['province', 'city', 'county', 'township', 'village'] as const;
export type Level = (typeof LEVELS)[number];

/** Significant digits of a code at each level: a unit's key prefix. */
export const PREFIX_LENGTH: Record<Level, number> = { province: 2, city: 4, county: 6, township: 9, village: 12 };

export const LEVEL_NAMES: Record<Level, { zh: string; en: string }> = {
  province: { zh: '省级', en: 'province' },
  city: { zh: '市级', en: 'city' },
  county: { zh: '县级', en: 'county' },
  township: { zh: '乡级', en: 'township' },
  village: { zh: '村级', en: 'village' },
};
