import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedServices } from '../../infra/local/demo-services';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { residentIdCheckChar } from '../../shared/identity-codes';
import { LEVELS } from '../../shared/levels';
import { inboxOf } from '../../shared/resources';
import type { Principal, Role } from '../../shared/roles';
import { toChinaDate } from '../../shared/working-days';

const PROVINCE = '330000000000';
const BEISHAN = '330106002000'; // 北山街道
const SHANGBAO = '330106002051'; // 上保社区
/** The part of 浙江省 the demo catalogue touches, in the order a province admin adds it. */
const UNITS: [string, string][] = [
  ['330100000000', '杭州市'],
  ['330106000000', '西湖区'],
  [BEISHAN, '北山街道'],
  [SHANGBAO, '上保社区'],
  ['330110000000', '余杭区'],
  ['330200000000', '宁波市'],
  ['330212000000', '鄞州区'],
];

/**
 * The demo catalogue on the local runtime, as `npm start` seeds it (on a few units rather than the whole province),
 * and the walk the platform promises: a citizen finds an item by life event and by words, applies and follows the
 * case; 北山街道's clerk works it through 补正 to completion; the rating reaches the township's and the province's
 * figures through the tier transport.
 */
describe('one-stop services on the local runtime', () => {
  let dataDir: string;
  let rt: LocalRuntime;
  const lines: string[] = [];

  async function call<T>(token: string | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const res = await fetch(`${rt.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as T };
  }
  const tokenOf = async (p: Principal) => (await rt.issuer.issue(p)).token;
  async function pump() {
    for (let i = 0; i < 30; i++) {
      let n = await rt.streams.pollOnce();
      for (const l of LEVELS) n += await rt.pollers.pollOnce(inboxOf(l));
      if (n === 0) return;
    }
    throw new Error('still moving after 30 rounds');
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'govtiers-services-'));
    rt = await startLocalRuntime({
      dataDir,
      port: 0,
      polling: 'manual',
      log: (l) => void lines.push(l),
      demo: async (ctx) => {
        await ctx.bootstrap(PROVINCE, '浙江省', `demo-province-admin-${PROVINCE}`);
        const as = async (role: Role, unit: string) => {
          const token = await ctx.token(role, unit);
          return async <T>(method: string, path: string, body?: string) => {
            const r = await fetch(`${ctx.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body });
            return { status: r.status, json: (await r.json()) as T };
          };
        };
        const province = await as('province-admin', PROVINCE);
        for (const [code, name] of UNITS) expect((await province('POST', '/v1/units', JSON.stringify({ code, name }))).status).toBe(201);
        for (const unit of ['330100000000', BEISHAN]) {
          expect((await province('POST', `/v1/units/${unit}/staff`, JSON.stringify({ sub: `demo-unit-admin-${unit}`, name: '管理员', role: 'unit-admin' }))).status).toBe(201);
        }
        const township = await as('unit-admin', BEISHAN);
        const office = await township<{ id: string }>('POST', `/v1/units/${BEISHAN}/departments`, JSON.stringify({ name: '综合办公室' }));
        const clerk = { sub: `demo-staff-${BEISHAN}`, name: '北山街道工作人员', role: 'staff', deptId: office.json.id };
        expect((await township('POST', `/v1/units/${BEISHAN}/staff`, JSON.stringify(clerk))).status).toBe(201);
        await seedServices(ctx.log, as);
      },
    });
    await rt.demo;
  }, 600_000);
  afterAll(async () => {
    await rt?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a citizen finds, applies with an uploaded scan and follows; the clerk works the case through 补正, each step told to the applicant; the rating counts at the township and the province', async () => {
    expect(lines.find((l) => l.includes('service items'))).toMatch(/^demo: 36 service items/);
    const citizen = await tokenOf({ sub: 'e2e-citizen', role: 'citizen', unit: SHANGBAO });
    const clerk = await tokenOf({ sub: `demo-staff-${BEISHAN}`, role: 'staff', unit: BEISHAN });

    const byLife = await call<{ items: { code: string; name: string; offer: { at: string } }[] }>(undefined, 'GET', `/v1/units/${SHANGBAO}/catalog?life=birth`);
    expect(byLife.status).toBe(200);
    const item = byLife.json.items.find((i) => i.name === '出生医学证明签发')!;
    expect(item.offer.at).toBe(BEISHAN);
    const byWords = await call<{ items: { code: string }[] }>(undefined, 'GET', `/v1/units/${SHANGBAO}/catalog?q=${encodeURIComponent('出生医学证明')}`);
    expect(byWords.json.items.map((i) => i.code)).toContain(item.code);
    const guide = await call<{ offer: { department: string } }>(undefined, 'GET', `/v1/units/${SHANGBAO}/catalog/${PROVINCE}/${item.code}`);
    expect(guide.json.offer.department).toBe('综合办公室');

    const id = '33010619900307002';
    const applicant = { name: '陈静', idNumber: id + residentIdCheckChar(id), phone: '13900139000' };
    const form = { applicantName: '陈静', phone: '13900139000', babyName: '陈小满', birthDate: '2026-02-25', hospital: '杭州市妇产科医院' };
    // The scan goes straight to the bucket with the presigned POST, as a browser sends a form.
    const bytes = Buffer.from(`%PDF-1.7\n${'父母身份证扫描件'.repeat(100)}`);
    const file = { name: '父母身份证.pdf', type: 'application/pdf', size: bytes.length };
    const up = await call<{ key: string; url: string; fields: Record<string, string> }>(citizen, 'POST', `/v1/units/${BEISHAN}/uploads`, { purpose: 'application', ...file });
    expect(up.status, JSON.stringify(up.json)).toBe(201);
    const post = new FormData();
    for (const [k, v] of Object.entries(up.json.fields)) post.append(k, v);
    post.append('file', new Blob([bytes], { type: file.type }), 'upload');
    expect((await fetch(up.json.url, { method: 'POST', body: post })).status).toBeLessThan(300);
    const s = await call<{ id: string; ref: string; due: string; attachments: unknown[] }>(citizen, 'POST', `/v1/units/${BEISHAN}/applications`, {
      definer: PROVINCE,
      item: item.code,
      form,
      applicant,
      attachments: [{ key: up.json.key, ...file }],
    });
    expect(s.status, JSON.stringify(s.json)).toBe(201);
    expect(s.json.attachments).toEqual([{ key: up.json.key, ...file }]);
    const path = `/v1/units/${BEISHAN}/applications/${s.json.id}`;
    const step = (action: string, extra = {}) => call(clerk, 'POST', `${path}/steps`, { action, reason: '经审查', ...extra });
    expect((await step('request-supplement', { missing: ['父母结婚证'] })).status).toBe(200);
    const paused = await call<{ items: { status: string; due?: string }[] }>(citizen, 'GET', '/v1/my/applications');
    expect(paused.json.items).toEqual([expect.objectContaining({ status: 'supplement' })]);
    expect(paused.json.items[0]!.due).toBeUndefined();
    expect((await call(citizen, 'POST', `${path}/supplement`, { form: {}, note: '已补充结婚证' })).status).toBe(200);
    for (const a of ['accept', 'review', 'approve', 'complete']) expect((await step(a)).status, a).toBe(200);
    const progress = await call<{ status: string; applicant: { name: string } }>(undefined, 'GET', `/v1/progress?ref=${s.json.ref}&name=${encodeURIComponent('陈静')}`);
    expect(progress.json).toMatchObject({ status: 'completed', applicant: { name: '陈*' } });
    expect((await call(citizen, 'POST', `${path}/rating`, { level: 'very-satisfied', comment: '一次办好' })).status).toBe(200);

    await pump();
    // Each step told the applicant: in the app, and through the local SMS adapter's log.
    const inbox = await call<{ items: { text: { zh: string } }[] }>(citizen, 'GET', '/v1/me/messages?limit=50');
    expect(inbox.json.items).toHaveLength(7);
    expect(inbox.json.items.some((m) => m.text.zh.includes('需要补正：父母结婚证'))).toBe(true);
    const log = (await readFile(join(dataDir, 'notifications.log'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { account: string });
    expect(log.filter((l) => l.account === 'e2e-citizen')).toHaveLength(7);
    const day = toChinaDate(new Date());
    const township = await call<{ own: Record<string, number> }>(clerk, 'GET', `/v1/units/${BEISHAN}/stats?from=${day}&to=${day}`);
    expect(township.json.own).toMatchObject({ opened: 1, closed: 1, onTime: 1, ratedVerySatisfied: 1 });
    const admin = await tokenOf({ sub: `demo-province-admin-${PROVINCE}`, role: 'province-admin', unit: PROVINCE });
    const province = await call<{ subtree: Record<string, number> }>(admin, 'GET', `/v1/units/${PROVINCE}/stats?from=${day}&to=${day}`);
    expect(province.json.subtree).toMatchObject({ opened: 1, closed: 1, onTime: 1, ratedVerySatisfied: 1 });
  }, 120_000);
});
