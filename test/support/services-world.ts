import { levelOf } from '../../shared/codes';
import type { Store } from '../../shared/store/store';
import type { Principal } from '../../shared/roles';
import { deptKey } from '../../tenants/people';
import type { ItemInput } from '../../functions/services/catalog';
import { tierWorld, U } from './tier-world';
import { adoptItemOp, actOnApplicationOp, defineItemOp, submitOp } from '../../functions/services/api';
import { residentIdCheckChar } from '../../shared/identity-codes';
import { expect } from 'vitest';

/** Two departments at every unit of the tree: 'a' handles most items, 'b' the second item of a bundle. */
export const dept = (unit: string, which: 'a' | 'b' = 'a') => `01HZZZZZZZ${which === 'a' ? 'A' : 'B'}${unit.slice(0, 12)}000`.slice(0, 26);

/**
 * The tier world with departments at every unit and a clerk (staff) in each, `clerk@<unit>` of department a and
 * `clerkB@<unit>` of department b, and citizens `citizen` and `citizen2`.
 */
export async function servicesWorld(start?: string) {
  const extra: Record<string, Principal> = {
    citizen: { sub: 'citizen-1', role: 'citizen', unit: U.village },
    citizen2: { sub: 'citizen-2', role: 'citizen', unit: U.village2 },
    business: { sub: 'business-1', role: 'business', unit: U.township },
  };
  for (const code of Object.values(U)) {
    extra[`clerk@${code}`] = { sub: `clerk-${code}`, role: 'staff', unit: code, dept: dept(code) };
    extra[`clerkB@${code}`] = { sub: `clerkb-${code}`, role: 'staff', unit: code, dept: dept(code, 'b') };
  }
  const w = await tierWorld(start, extra);
  const at = w.deps.now().toISOString();
  for (const code of Object.values(U)) {
    for (const which of ['a', 'b'] as const) {
      await w.store.write({
        op: 'put',
        table: levelOf(code),
        item: { ...deptKey(code, dept(code, which)), id: dept(code, which), unit: code, name: `${which === 'a' ? '行政审批科' : '社会事务科'}`, status: 'active', createdAt: at, updatedAt: at, v: 1 },
      });
    }
  }
  return w;
}

/** A plausible item, to vary per test. */
export function itemInput(code: string, over: Partial<ItemInput> = {}): ItemInput {
  return {
    code,
    name: '出生医学证明首次签发',
    type: 'public-service',
    competentDepartment: '省卫生健康委员会',
    deptId: dept(U.province),
    legalBasis: '《中华人民共和国母婴保健法》第二十三条',
    conditions: '在本省助产机构出生的新生儿',
    materials: [{ name: '父母双方身份证', required: true, copies: 1 }],
    fee: '不收费',
    statutoryDays: 20,
    promisedDays: 5,
    kind: 'promised',
    online: 'online',
    lifeEvents: ['birth'],
    businessStages: [],
    form: [
      { name: 'applicantName', label: '申请人姓名', type: 'text', required: true, max: 50 },
      { name: 'babyName', label: '新生儿姓名', type: 'text', required: true, max: 50 },
      { name: 'birthDate', label: '出生日期', type: 'date', required: true },
      { name: 'hospital', label: '助产机构', type: 'choice', required: true, options: ['省妇保医院', '市一医院'] },
    ],
    ...over,
  };
}

export { U };

export const ITEM = '330000-CS-100';
const idBody = '33010619900307002';
export const RESIDENT_ID = idBody + residentIdCheckChar(idBody);
export const applicant = { name: '王小明', idNumber: RESIDENT_ID, phone: '13800138000' };
export const form = { applicantName: '王小明', babyName: '王一一', birthDate: '2026-02-20', hospital: '市一医院' };

/** The province's item, adopted by the county (promise 3 working days) and the township. */
export async function withItem(start?: string) {
  const w = await servicesWorld(start);
  const r = await w.api(defineItemOp, { params: { code: U.province }, body: itemInput(ITEM), token: w.token(`admin@${U.province}`) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  for (const [unit, promisedDays] of [[U.county, 3], [U.township, 4]] as const) {
    const a = await w.api(adoptItemOp, {
      params: { code: unit, definer: U.province, item: ITEM },
      body: { v: 0, deptId: dept(unit), address: '便民服务中心', hours: '工作日 9:00-17:00', promisedDays },
      token: w.token(`admin@${unit}`),
    });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
  }
  return w;
}

export const apply = (w: ServicesWorld, unit: string = U.county, who = 'citizen', body: Record<string, unknown> = {}) =>
  w.api(submitOp, { params: { code: unit }, body: { definer: U.province, item: ITEM, form, applicant, ...body }, token: w.token(who) });
export const step = (w: ServicesWorld, id: string, action: string, extra: Record<string, unknown> = {}, unit: string = U.county, who = `clerk@${unit}`) =>
  w.api(actOnApplicationOp, { params: { code: unit, id }, body: { action, reason: `${action} 的理由`, ...extra }, token: w.token(who) });


export type ServicesWorld = Awaited<ReturnType<typeof servicesWorld>>;

/** Counts the requests a piece of work makes to the store. */
export function counted(store: Store) {
  const n = { requests: 0 };
  const wrap = <F extends (...a: never[]) => Promise<unknown>>(f: F) => ((...a: Parameters<F>) => (n.requests++, f(...a))) as F;
  const s: Store = {
    get: wrap(store.get.bind(store)),
    getMany: wrap(store.getMany.bind(store)),
    query: wrap(store.query.bind(store)),
    write: wrap(store.write.bind(store)),
    transact: wrap(store.transact.bind(store)),
    putMany: wrap(store.putMany.bind(store)),
  };
  return { store: s, n };
}

