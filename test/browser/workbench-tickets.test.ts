import { beforeAll, describe, expect, it } from 'vitest';
import { apiAs, expectAccessible, scrollsSideways, staffAccount, staffAt, useBrowser, VIEWPORTS } from './browser';
import { WORLD } from './world';

/** Tickets and disclosure requests on the staff workbench in Chromium, seeded through the API as residents file them. */
// axe on every page a clerk sees, on a busy machine: two minutes each at most.
describe('workbench tickets and disclosure requests in Chromium', { timeout: 120_000 }, () => {
  const b = useBrowser();
  const api = apiAs(b.url);
  const resident = { sub: 'browser-resident-1', role: 'citizen', unit: WORLD.village };
  const neighbour = { sub: 'browser-resident-2', role: 'citizen', unit: WORLD.village };
  const townshipAdmin = { sub: `demo-unit-admin-${WORLD.township}`, role: 'unit-admin', unit: WORLD.township };

  beforeAll(async () => {
    await staffAccount(api, townshipAdmin, WORLD.township, '综合办公室', { sub: `demo-staff-${WORLD.township}`, name: '北山街道工作人员' });
  });


  it('a dispatcher sees the earlier ticket suggested, merges the later one into it, and undoes the merge', async () => {
    const lamp = { type: 'complaint', category: 'streetlight', text: '保俶路与北山街路口往东几盏路灯晚上都不亮，走夜路很危险。', location: { lat: 30.2601, lng: 120.1451 } };
    const first = await api(resident, 'POST', `/v1/units/${WORLD.township}/tickets`, lamp);
    expect(first.status, JSON.stringify(first.json)).toBe(201);
    const second = await api(neighbour, 'POST', `/v1/units/${WORLD.township}/tickets`, {
      ...lamp,
      text: '北山街路口东边一排路灯坏了好几天，天黑以后整条人行道漆黑一片。',
      location: { lat: 30.2605, lng: 120.1458 },
    });
    expect(second.status).toBe(201);

    const dispatcher = await staffAt(b, '北山街道管理员');
    const href = (id: string) => `/work/tickets/${WORLD.township}/${id}`;
    expect(await dispatcher.locator(`a[href="${href(first.json.id)}"]`).count()).toBe(1);
    await dispatcher.locator(`a[href="${href(second.json.id)}"]`).click();
    await expect.poll(() => dispatcher.locator('#ticket-status').textContent()).toBe('待受理');
    await expectAccessible(dispatcher);
    const suggestion = dispatcher.locator(`#duplicates li[data-id="${first.json.id}"]`);
    expect(await suggestion.count()).toBe(1);
    await suggestion.getByRole('button', { name: '并入此件办理' }).click();
    await expect.poll(() => dispatcher.locator('#ticket-status').textContent()).toBe('已合并');
    expect(await dispatcher.locator('#merged-into a').getAttribute('href')).toBe(href(first.json.id));
    expect(await dispatcher.locator('#done').textContent()).toContain(second.json.id);
    await expectAccessible(dispatcher);
    await dispatcher.getByRole('button', { name: '撤销合并' }).click();
    await expect.poll(() => dispatcher.locator('#ticket-status').textContent()).toBe('待受理');
    expect(await dispatcher.locator('#merged-into').count()).toBe(0);
    await expectAccessible(dispatcher);
  });

  it('a clerk answers a disclosure request; a second clerk on the stale form sees the answer instead', async () => {
    const req = await api(resident, 'POST', `/v1/units/${WORLD.township}/disclosure/requests`, {
      title: '申请公开北山街道2025年老旧小区改造资金使用情况',
      description: '请提供2025年度老旧小区改造项目资金的拨付和使用明细。',
    });
    expect(req.status, JSON.stringify(req.json)).toBe(201);
    const path = `/work/requests/${WORLD.township}/${req.json.id}`;

    const clerk = await staffAt(b, '北山街道管理员', VIEWPORTS.phone);
    await clerk.locator(`a[href="${path}"]`).click();
    await expect.poll(() => clerk.locator('#request-due').textContent()).toBe(req.json.due);
    await expectAccessible(clerk);
    expect(await scrollsSideways(clerk)).toBe(false);
    // The colleague opens the same request before the answer goes out.
    const colleague = await staffAt(b, '北山街道工作人员');
    await colleague.goto(path);
    await expectAccessible(colleague);

    // Withheld without its legal basis: the API's message beside the field, the reason kept.
    await clerk.locator('#type-reply').selectOption('withheld');
    await clerk.locator('#reason-reply').fill('涉及第三方商业秘密');
    await clerk.getByRole('button', { name: '答复申请人' }).click();
    await expect.poll(() => clerk.locator('#legalBasis-reply + .field-error').count()).toBe(1);
    expect(await clerk.locator('#reason-reply').inputValue()).toBe('涉及第三方商业秘密');
    expect(await clerk.locator('#request-status').textContent()).toBe('办理中');
    await expectAccessible(clerk);
    await clerk.locator('#type-reply').selectOption('disclosed');
    await clerk.locator('#reason-reply').fill('');
    await clerk.locator('#content-reply').fill('2025年度拨付与使用明细见附表。');
    await clerk.getByRole('button', { name: '答复申请人' }).click();
    await expect.poll(() => clerk.locator('#request-status').textContent()).toBe('已答复');
    expect(await clerk.locator('#done').textContent()).toContain(req.json.id);
    await expectAccessible(clerk);

    await colleague.locator('#days-extend').fill('10');
    await colleague.locator('#note-extend').fill('需调取档案');
    await colleague.getByRole('button', { name: '延期答复' }).click();
    await expect.poll(() => colleague.locator('#changed').textContent()).toContain('刚刚被他人办理过');
    expect(await colleague.locator('#request-status').textContent()).toBe('已答复');
    expect(await colleague.locator('#reply').textContent()).toContain('2025年度拨付与使用明细见附表。');
    await expectAccessible(colleague);
  });
});
