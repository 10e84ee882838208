import { Logger } from '@aws-lambda-powertools/logger';

/** Keys whose values are personal data: never written to logs in clear. */
const PERSONAL_KEYS = /^(idNumber|residentId|phone|mobile|address|name|realName|creditCode|authorization|token)$/i;
/** 18-character resident ID numbers and mainland mobile numbers inside free text. */
const PERSONAL_TEXT = [/\b\d{17}[\dXx]\b/g, /\b1[3-9]\d{9}\b/g];

export function maskPersonal(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (PERSONAL_KEYS.test(key)) return value.length <= 2 ? '**' : `${value[0]}***${value.at(-1)}`;
  return PERSONAL_TEXT.reduce((s, re) => s.replace(re, (m) => `${m.slice(0, 3)}***${m.slice(-2)}`), value);
}

/** Structured JSON logs (Powertools) with personal data masked on the way out. */
export const logger = new Logger({
  serviceName: 'govtiers',
  jsonReplacerFn: (key, value) => maskPersonal(key, value),
});
