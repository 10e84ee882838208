import * as z from './zod';

/**
 * Check characters of the two national identity numbers a citizen or business gives us:
 * 居民身份证号码 (GB 11643-1999) and 统一社会信用代码 (GB 32100-2015, whose 主体标识码 is a GB 11714-1997
 * organisation code with a check character of its own). Pure functions; no look-ups against any register.
 */

// ---------------------------------------------------------------- 居民身份证号码 (GB 11643-1999)

/** Province-level codes of GB/T 2260: the first two digits of every resident ID number. */
export const PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15',
  '21', '22', '23',
  '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54',
  '61', '62', '63', '64', '65',
  '71', '81', '82',
]);

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK_CHARS = '10X98765432';
/** Earliest birth date accepted. */
const EARLIEST_BIRTH = '1900-01-01';

export type ResidentIdResult = { ok: true } | { ok: false; reason: 'format' | 'checksum' | 'birthdate' | 'region' };

/** Trimmed and upper-cased: a lower-case check `x` becomes `X`. */
export const normalizeResidentId = (id: string): string => id.trim().toUpperCase();

/** The ISO 7064 MOD 11-2 check character of a 17-digit body. */
export function residentIdCheckChar(body: string): string {
  if (!/^\d{17}$/.test(body)) throw new Error('a resident ID body is 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK_CHARS[sum % 11]!;
}

/** Today's date in China (UTC+8), as YYYY-MM-DD. */
const chinaToday = (): string => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/** A real calendar date (no 2023-02-29). */
function isRealDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * Whether `id` is a well-formed 18-character resident ID number: 17 digits and a check character
 * (digit or X, lower-case x accepted), a known province, a real birth date from 1900-01-01 up to today
 * (China time; pass `today` as YYYY-MM-DD to pin it), and a matching check character.
 * Problems are reported in that order, so a mistyped birth date is named as such.
 */
export function checkResidentId(id: string, options: { today?: string } = {}): ResidentIdResult {
  const n = normalizeResidentId(id);
  if (!/^\d{17}[\dX]$/.test(n)) return { ok: false, reason: 'format' };
  if (!PROVINCE_CODES.has(n.slice(0, 2))) return { ok: false, reason: 'region' };
  const y = Number(n.slice(6, 10));
  const m = Number(n.slice(10, 12));
  const d = Number(n.slice(12, 14));
  const birth = `${n.slice(6, 10)}-${n.slice(10, 12)}-${n.slice(12, 14)}`;
  if (!isRealDate(y, m, d) || birth < EARLIEST_BIRTH || birth > (options.today ?? chinaToday())) return { ok: false, reason: 'birthdate' };
  if (residentIdCheckChar(n.slice(0, 17)) !== n[17]) return { ok: false, reason: 'checksum' };
  return { ok: true };
}

/** First 3 and last 4 characters visible: `330***********123X`. Anything too short to mask partly is masked whole. */
export function maskResidentId(id: string): string {
  const n = normalizeResidentId(id);
  if (n.length <= 7) return '*'.repeat(n.length);
  return `${n.slice(0, 3)}${'*'.repeat(n.length - 7)}${n.slice(-4)}`;
}

/** First 3 and last 4 digits visible: `138****5678`. Anything too short to mask partly is masked whole. */
export function maskPhone(phone: string): string {
  const p = phone.trim();
  if (p.length <= 7) return '*'.repeat(p.length);
  return `${p.slice(0, 3)}${'*'.repeat(p.length - 7)}${p.slice(-4)}`;
}

// ---------------------------------------------------------------- 统一社会信用代码 (GB 32100-2015)

/** The 31 characters of a credit code (no I, O, S, V, Z), in check-value order. */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
/** GB 11714-1997 weights over the eight body characters of an organisation code. */
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;
const CREDIT_CODE_FORMAT = /^[0-9A-HJ-NP-RTUWXY]{18}$/;

export type CreditCodeResult = { ok: true } | { ok: false; reason: 'format' | 'checksum' | 'org-checksum' };

/** Trimmed and upper-cased. */
export const normalizeCreditCode = (code: string): string => code.trim().toUpperCase();

/** The GB 32100 check character (position 18) of a 17-character body over {@link CREDIT_CODE_ALPHABET}. */
export function creditCodeCheckChar(body: string): string {
  if (body.length !== 17) throw new Error('a credit code body is 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_ALPHABET.indexOf(body[i]!);
    if (v < 0) throw new Error(`not a credit code character: ${body[i]}`);
    sum += v * CREDIT_WEIGHTS[i]!;
  }
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/**
 * The GB 11714 check character of an 8-character organisation code body (digits and upper-case letters,
 * a letter counting as 10 for A to 35 for Z): 11 − (Σ cᵢwᵢ mod 11), where 10 is written X and 11 is written 0.
 */
export function orgCodeCheckChar(body: string): string {
  if (!/^[0-9A-Z]{8}$/.test(body)) throw new Error('an organisation code body is 8 digits or upper-case letters');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(body[i]!, 36) * ORG_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/**
 * Whether `code` is a well-formed unified social credit code: 18 characters over the credit-code alphabet
 * (lower case accepted), positions 3–8 digits (the registering authority's division code), a matching
 * GB 32100 check character at position 18, and a matching GB 11714 check character at position 17
 * for the organisation code in positions 9–17.
 */
export function checkCreditCode(code: string): CreditCodeResult {
  const n = normalizeCreditCode(code);
  if (!CREDIT_CODE_FORMAT.test(n) || !/^\d{6}$/.test(n.slice(2, 8))) return { ok: false, reason: 'format' };
  if (creditCodeCheckChar(n.slice(0, 17)) !== n[17]) return { ok: false, reason: 'checksum' };
  if (orgCodeCheckChar(n.slice(8, 16)) !== n[16]) return { ok: false, reason: 'org-checksum' };
  return { ok: true };
}

/** Masks the organisation code's middle: `91350100********43`. */
export function maskCreditCode(code: string): string {
  const n = normalizeCreditCode(code);
  if (n.length <= 10) return '*'.repeat(n.length);
  return `${n.slice(0, 8)}${'*'.repeat(n.length - 10)}${n.slice(-2)}`;
}

// ---------------------------------------------------------------- schemas

/**
 * A resident ID number, normalised (trimmed, upper-case X). The failure message is found through
 * `params.i18n` (see shared/validation-messages.ts), so no inline message is set here.
 */
export const residentIdSchema = z
  .string()
  .check(z.trim(), z.toUpperCase(), z.refine((id) => checkResidentId(id).ok, { params: { i18n: 'invalid_resident_id' } }));

/** A unified social credit code, normalised (trimmed, upper-case), format and both check characters verified. */
export const creditCodeSchema = z
  .string()
  .check(z.trim(), z.toUpperCase(), z.refine((code) => checkCreditCode(code).ok, { params: { i18n: 'invalid_credit_code' } }));
