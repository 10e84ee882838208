import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CREDIT_CODE_ALPHABET,
  PROVINCE_CODES,
  checkCreditCode,
  checkResidentId,
  creditCodeCheckChar,
  creditCodeSchema,
  maskCreditCode,
  maskPhone,
  maskResidentId,
  normalizeResidentId,
  orgCodeCheckChar,
  residentIdCheckChar,
  residentIdSchema,
} from '../../shared/identity-codes';

const TODAY = '2025-06-30';

describe('resident ID numbers (GB 11643-1999)', () => {
  it('accepts the textbook example, whose check character is X', () => {
    // Hand check of 11010519491231002: Σ digit × weight = 167, 167 mod 11 = 2, "10X98765432"[2] = X.
    const body = '11010519491231002';
    const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    expect([...body].reduce((s, c, i) => s + Number(c) * weights[i]!, 0)).toBe(167);
    expect(residentIdCheckChar(body)).toBe('X');
    expect(checkResidentId('11010519491231002X')).toEqual({ ok: true });
  });

  it('accepts a lower-case x and normalises it', () => {
    expect(checkResidentId('11010519491231002x')).toEqual({ ok: true });
    expect(normalizeResidentId(' 11010519491231002x ')).toBe('11010519491231002X');
    expect(residentIdSchema.parse('11010519491231002x')).toBe('11010519491231002X');
  });

  it('accepts other valid numbers', () => {
    for (const id of ['330106199003071236', '330102198501014568', `44030520000101001${residentIdCheckChar('44030520000101001')}`]) {
      expect(checkResidentId(id, { today: TODAY }), id).toEqual({ ok: true });
    }
  });

  it('rejects a wrong check character', () => {
    expect(checkResidentId('330106199003071237')).toEqual({ ok: false, reason: 'checksum' });
    expect(checkResidentId('110105194912310021')).toEqual({ ok: false, reason: 'checksum' });
  });

  it('rejects a bad format', () => {
    for (const bad of ['', '11010519491231002', '1101051949123100200', '11010519491231002Y', '1101051949123100X2', '11010519491231 02X', '１１010519491231002X', '110105490101001']) {
      expect(checkResidentId(bad), bad).toEqual({ ok: false, reason: 'format' });
    }
  });

  it('rejects an unknown province', () => {
    for (const p of ['00', '10', '16', '20', '24', '30', '38', '47', '55', '60', '66', '70', '80', '83', '91', '99']) {
      const body = `${p}0105194912310`.padEnd(17, '1');
      expect(checkResidentId(body + residentIdCheckChar(body)), p).toEqual({ ok: false, reason: 'region' });
    }
  });

  it('rejects impossible, too early and future birth dates', () => {
    const withDate = (yyyymmdd: string) => {
      const body = `330106${yyyymmdd}123`;
      return body + residentIdCheckChar(body);
    };
    for (const d of ['20230229', '19901301', '19900431', '19900000', '18991231', '20250701']) {
      expect(checkResidentId(withDate(d), { today: TODAY }), d).toEqual({ ok: false, reason: 'birthdate' });
    }
    for (const d of ['19000101', '20000229', '20250630']) {
      expect(checkResidentId(withDate(d), { today: TODAY }), d).toEqual({ ok: true });
    }
  });

  it('masks all but the first 3 and last 4 characters', () => {
    expect(maskResidentId('33010619900307123x')).toBe('330***********123X');
    expect(maskResidentId('11010519491231002X')).not.toContain('19491231');
    expect(maskResidentId('1234')).toBe('****');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('12345')).toBe('*****');
  });

  it('the schema reports our message key', () => {
    const r = residentIdSchema.safeParse('330106199003071237');
    expect(r.success).toBe(false);
    expect((r.error!.issues[0] as { params?: unknown }).params).toEqual({ i18n: 'invalid_resident_id' });
  });

  const province = fc.constantFrom(...PROVINCE_CODES);
  const birth = fc
    .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2025-06-30T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10).replaceAll('-', ''));
  const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
  const body = fc.tuple(province, digits(4), birth, digits(3)).map(([p, r, b, s]) => `${p}${r}${b}${s}`);

  it('property: a body with a valid region and date plus its check character validates', () => {
    fc.assert(
      fc.property(body, (b) => {
        expect(checkResidentId(b + residentIdCheckChar(b), { today: TODAY })).toEqual({ ok: true });
      }),
    );
  });

  it('property: changing any single character breaks it', () => {
    fc.assert(
      fc.property(body, fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 10 }), (b, pos, shift) => {
        const id = b + residentIdCheckChar(b);
        const chars = '0123456789X';
        const old = id[pos]!;
        const alphabet = pos === 17 ? chars : chars.slice(0, 10);
        const next = alphabet[(alphabet.indexOf(old) + (shift % alphabet.length || 1)) % alphabet.length]!;
        fc.pre(next !== old);
        const changed = id.slice(0, pos) + next + id.slice(pos + 1);
        expect(checkResidentId(changed, { today: TODAY }).ok).toBe(false);
      }),
    );
  });
});

describe('unified social credit codes (GB 32100-2015)', () => {
  it('accepts the commonly cited example, with both check characters', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    // Hand check of 组织机构代码 M000100Y-4 (M = 22, Y = 34; weights 3,7,9,10,5,8,4,2):
    // 22·3 + 1·5 + 34·2 = 139; 139 mod 11 = 7; 11 − 7 = 4.
    expect(orgCodeCheckChar('M000100Y')).toBe('4');
    expect(checkCreditCode('91350100M000100Y43')).toEqual({ ok: true });
  });

  it('accepts real-world shaped codes, and lower case', () => {
    for (const code of ['91330100716105852F', '9144030071526726XG', '914403001922038216', '12440600MB2C07549J']) {
      expect(checkCreditCode(code), code).toEqual({ ok: true });
    }
    expect(checkCreditCode('91350100m000100y43')).toEqual({ ok: true });
    expect(creditCodeSchema.parse(' 91350100m000100y43 ')).toBe('91350100M000100Y43');
  });

  it('rejects a wrong check character', () => {
    expect(checkCreditCode('91350100M000100Y44')).toEqual({ ok: false, reason: 'checksum' });
  });

  it('rejects a code whose organisation code check character is wrong', () => {
    // Position 17 changed from 4 to 5 and position 18 recomputed, so only GB 11714 notices.
    const body = '91350100M000100Y5';
    expect(checkCreditCode(body + creditCodeCheckChar(body))).toEqual({ ok: false, reason: 'org-checksum' });
  });

  it('maps organisation check values 10 and 11 to X and 0', () => {
    expect(orgCodeCheckChar('71526726')).toBe('X');
    const zero = fc.sample(fc.stringMatching(/^[0-9]{8}$/), 2000).find((b) => orgCodeCheckChar(b) === '0');
    expect(zero).toBeDefined();
    // 11 − (s mod 11) = 11 ⇔ s ≡ 0 (mod 11)
    const s = [...zero!].reduce((acc, c, i) => acc + Number(c) * [3, 7, 9, 10, 5, 8, 4, 2][i]!, 0);
    expect(s % 11).toBe(0);
  });

  it('rejects a bad format', () => {
    for (const bad of ['', '91350100M000100Y4', '91350100M000100Y433', '91350100I000100Y43', '91350100O000100Y43', '9135010SM000100Y43', '91A50100M000100Y43', '91350100M000100Y4Z']) {
      expect(checkCreditCode(bad), bad).toEqual({ ok: false, reason: 'format' });
    }
  });

  it('masks the organisation code', () => {
    expect(maskCreditCode('91350100M000100Y43')).toBe('91350100********43');
  });

  it('the schema reports our message key', () => {
    const r = creditCodeSchema.safeParse('91350100M000100Y44');
    expect(r.success).toBe(false);
    expect((r.error!.issues[0] as { params?: unknown }).params).toEqual({ i18n: 'invalid_credit_code' });
  });

  const ch = fc.constantFrom(...CREDIT_CODE_ALPHABET);
  const code = fc
    .tuple(ch, ch, fc.stringMatching(/^[0-9]{6}$/), fc.array(ch, { minLength: 8, maxLength: 8 }))
    .map(([a, b, region, org]) => {
      const orgBody = org.join('');
      const body = `${a}${b}${region}${orgBody}${orgCodeCheckChar(orgBody)}`;
      return body + creditCodeCheckChar(body);
    });

  it('property: generated codes validate, and changing any one character breaks them', () => {
    fc.assert(
      fc.property(code, fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 30 }), (c, pos, shift) => {
        expect(checkCreditCode(c)).toEqual({ ok: true });
        const next = CREDIT_CODE_ALPHABET[(CREDIT_CODE_ALPHABET.indexOf(c[pos]!) + shift) % 31]!;
        expect(checkCreditCode(c.slice(0, pos) + next + c.slice(pos + 1)).ok).toBe(false);
      }),
    );
  });
});
