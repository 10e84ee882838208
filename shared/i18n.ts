/** The two languages every user-facing message is written in: zh-CN first, English second. */
export type Lang = 'zh-CN' | 'en';

export interface Text {
  zh: string;
  en: string;
}

/** zh-CN unless the caller's first preference is English. */
export function pickLang(acceptLanguage: string | undefined): Lang {
  const first = acceptLanguage?.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh-CN';
}

export const say = (text: Text, lang: Lang): string => (lang === 'en' ? text.en : text.zh);
