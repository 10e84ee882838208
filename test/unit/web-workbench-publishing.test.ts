import { describe, expect, it } from 'vitest';
import { createDocumentOp, listDocumentsOp } from '../../functions/disclosure/api';
import { getSettingsOp, putSettingsOp } from '../../functions/settings/api';
import { withOverride } from '../../functions/web/workbench/settings';
import { tierWorld, U } from '../support/tier-world';
import { workbench } from '../support/workbench';

const hiddenV = (html: string, n = 0) => [...html.matchAll(/name="v" value="(\d+)"/g)][n]![1]!;
const DOCS = '/work/documents/{code}';
const DOC = '/work/documents/{code}/{id}';
const SETTINGS = '/work/settings/{code}';

describe('workbench publishing', () => {
  it('a county clerk drafts, publishes, edits and withdraws a document; the village below lists it while published', async () => {
    const w = await tierWorld();
    const wb = await workbench(w);
    const clerk = `staff@${U.county}`;
    const desk = await wb.get(DOCS, `/work/documents/${U.county}`, clerk);
    expect(desk.status).toBe(200);
    expect(desk.html).toContain('撰写公开文件');
    expect(desk.html).toContain('<option value="budget">财政预决算</option>');

    const drafted = await wb.post(DOCS, `/work/documents/${U.county}`, clerk, {
      title: '西湖区2026年财政预算',
      category: 'budget',
      writtenOn: '2026-03-01',
      body: '预算正文。',
      township: '1',
      village: '1',
      draft: '1',
    });
    expect(drafted.status, drafted.html).toBe(303);
    const path = drafted.location!.split('?')[0]!;
    const id = path.split('/').pop()!;
    const draft = await wb.get(DOC, drafted.location!, clerk);
    expect(draft.html).toMatch(/id="confirmation">草稿已保存。请在 2026-03-2\d 前发布/);
    expect((await wb.get(DOCS, `/work/documents/${U.county}`, clerk)).html).toMatch(new RegExp(`id="drafts">.*href="/work/documents/${U.county}/${id}"`, 's'));

    const published = await wb.post(DOC, path, clerk, { action: 'publish', v: hiddenV(draft.html) });
    expect(published.status).toBe(303);
    const page = await wb.get(DOC, published.location!, clerk);
    expect(page.html).toMatch(/id="doc-status">已发布/);
    expect(page.html).toMatch(/id="confirmation">已发布，索引号 330106000000\/2026-00001/);
    // Published, it leaves the drafts and joins the unit's published list.
    const desk2 = (await wb.get(DOCS, `/work/documents/${U.county}`, clerk)).html;
    expect(desk2).toMatch(/<p id="drafts">暂无。<\/p>/);
    expect(desk2).toMatch(new RegExp(`id="published">.*href="/work/documents/${U.county}/${id}"`, 's'));
    const village = await w.api(listDocumentsOp, { params: { code: U.village }, query: { limit: '10' } });
    expect(village.body.items.map((i: { title: string }) => i.title)).toContain('西湖区2026年财政预算');

    // Two clerks edit from version 2: the second is shown the current document and keeps its text, unsaved.
    const v = hiddenV(page.html);
    const first = await wb.post(DOC, path, clerk, { action: 'edit', v, title: '西湖区2026年财政预算（修订）', category: 'budget', body: '修订后的预算正文。' });
    expect(first.status).toBe(303);
    const stale = await wb.post(DOC, path, `admin@${U.county}`, { action: 'edit', v, title: '另一人的修改', category: 'budget', body: '另一人的正文。' });
    expect(stale.status).toBe(409);
    expect(stale.html).toContain('刚刚被他人办理过');
    expect(stale.html).toMatch(/<h1>西湖区2026年财政预算（修订）<\/h1>/);
    expect(stale.html).toMatch(/id="yours-body">另一人的正文。/);
    expect(stale.html).toMatch(/name="v" value="3"/);
    expect(stale.html).not.toMatch(/name="v" value="2"/);

    // Withdrawing without a reason: the API's message beside the reason, still published.
    const noReason = await wb.post(DOC, path, clerk, { action: 'withdraw', v: '3', reason: '' });
    expect(noReason.status).toBe(400);
    expect(noReason.html).toMatch(/id="w-reason" name="reason" rows="3"><\/textarea><span class="field-error">/);
    expect(noReason.html).toMatch(/id="doc-status">已发布/);
    const withdrawn = await wb.post(DOC, path, clerk, { action: 'withdraw', v: '3', reason: '预算已调整，另行发布' });
    expect(withdrawn.status).toBe(303);
    const gone = await wb.get(DOC, withdrawn.location!, clerk);
    expect(gone.html).toMatch(/id="doc-withdrawal">预算已调整，另行发布/);
    expect(gone.html).not.toContain('name="action" value="edit"');
    const after = await w.api(listDocumentsOp, { params: { code: U.village }, query: { limit: '10' } });
    expect(after.body.items).toHaveLength(0);
  });

  it('applies a document to the levels ticked only', async () => {
    const w = await tierWorld();
    const wb = await workbench(w);
    const res = await wb.post(DOCS, `/work/documents/${U.county}`, `staff@${U.county}`, { title: '街道工作要点', category: 'planning', writtenOn: '2026-03-01', body: '要点正文', township: '1', draft: '0' });
    expect(res.status, res.html).toBe(303);
    const titles = async (code: string) => (await w.api(listDocumentsOp, { params: { code }, query: { limit: '10' } })).body.items.map((i: { title: string }) => i.title);
    expect(await titles(U.township)).toEqual(['街道工作要点']);
    expect(await titles(U.village)).toEqual([]);
  });

  it('a refused new document comes back with each message beside its field and the text kept', async () => {
    const w = await tierWorld();
    const wb = await workbench(w);
    const res = await wb.post(DOCS, `/work/documents/${U.county}`, `staff@${U.county}`, { title: '', category: 'policy', writtenOn: '2099-01-01', body: '保留的正文', draft: '0' });
    expect(res.status).toBe(400);
    expect(res.html).toMatch(/id="n-title" name="title" value="" maxlength="200"><span class="field-error">/);
    expect(res.html).toContain('保留的正文</textarea>');
    expect(res.html).toMatch(/<option value="policy" selected>/);
    // Nothing was ticked: it stays so, rather than back to the whole subtree.
    expect(res.html).not.toMatch(/name="township" value="1"[^>]* checked/);
  });

  it('lists an overdue draft and a column due for update, each with a way to act on it', async () => {
    const w = await tierWorld();
    const wb = await workbench(w);
    const token = w.token(`staff@${U.county}`);
    const put = await w.api(putSettingsOp, { params: { code: U.county }, body: { v: 0, deadlines: { 'disclosure.cadence.policy': 1 } }, token: w.token(`admin@${U.county}`) });
    expect(put.status).toBe(200);
    const body = { category: 'policy', body: '正文', subjects: [], attachments: [] };
    const late = await w.api(createDocumentOp, { params: { code: U.county }, body: { ...body, title: '逾期未发布的草稿', writtenOn: '2026-01-05', draft: true }, token });
    const pub = await w.api(createDocumentOp, { params: { code: U.county }, body: { ...body, title: '政策文件一', body: '政策正文一', writtenOn: '2026-03-01' }, token });
    expect([late.status, pub.status]).toEqual([201, 201]);
    const desk = await wb.get(DOCS, `/work/documents/${U.county}`, `staff@${U.county}`);
    expect(desk.html).toMatch(new RegExp(`<tr class="due-late" data-kind="draft">.*?href="/work/documents/${U.county}/${late.body.id}">逾期未发布的草稿`, 's'));
    expect(desk.html).toMatch(new RegExp(`<tr class="due-soon" data-kind="column">.*?href="/work/documents/${U.county}/${pub.body.id}">更新`, 's'));
    expect(desk.html).toContain(`href="/work/documents/${U.county}?category=policy#write"`);
    // A unit's staff cannot write for another unit: no form there, and the API refuses its reads of another unit.
    expect((await wb.get(DOCS, `/work/documents/${U.county}`, `admin@${U.city}`)).html).not.toContain('撰写公开文件');
    expect((await wb.get(DOCS, `/work/documents/${U.county}`, `staff@${U.township}`)).status).toBe(403);
  });
});

describe('workbench settings', () => {
  it('a unit admin sets a deadline here; a unit below shows it inherited from the unit by name; clearing restores the default', async () => {
    const w = await tierWorld();
    const wb = await workbench(w);
    const admin = `admin@${U.county}`;
    const page = await wb.get(SETTINGS, `/work/settings/${U.county}`, admin);
    expect(page.html).toMatch(/<td data-source="national">国家规定（默认）<\/td>/);
    const set = await wb.post(SETTINGS, `/work/settings/${U.county}`, admin, { action: 'set', key: 'deadlines.disclosure.proactive', value: '15', v: hiddenV(page.html) });
    expect(set.status, set.html).toBe(303);
    const here = await wb.get(SETTINGS, set.location!.split('#')[0]!, admin);
    expect(here.html).toMatch(/id="saved">已保存（版本 1）/);
    expect(here.html).toMatch(/<code>disclosure.proactive<\/code><\/th><td class="num">15<\/td><td data-source="here">/);
    const child = await wb.get(SETTINGS, `/work/settings/${U.township}`, `admin@${U.township}`);
    expect(child.html).toMatch(/<code>disclosure.proactive<\/code><\/th><td class="num">15<\/td><td data-source="inherited">继承自 <a href="\/work\/settings\/330106000000">西湖区<\/a>/);

    const clear = await wb.post(SETTINGS, `/work/settings/${U.county}`, admin, { action: 'clear', key: 'deadlines.disclosure.proactive', v: '1' });
    expect(clear.status).toBe(303);
    const st = await w.api(getSettingsOp, { params: { code: U.county }, token: w.token(admin) });
    expect(st.body.effective.deadlines['disclosure.proactive']).toBe(20);
    expect(st.body.overrides).toEqual({});
  });

  it("shows the API's refusal beside the field, a 409 with the current values, and no form to staff", async () => {
    const w = await tierWorld();
    const wb = await workbench(w);
    const admin = `admin@${U.county}`;
    const bad = await wb.post(SETTINGS, `/work/settings/${U.county}`, admin, { action: 'set', key: 'calendar.extraHolidays', value: '2026-13-40', v: '0' });
    expect(bad.status).toBe(400);
    expect(bad.html).toMatch(/id="set-calendar-extraHolidays" name="value" value="2026-13-40"[^>]*>.*?<span class="field-error">/s);
    expect((await w.api(getSettingsOp, { params: { code: U.county }, token: w.token(admin) })).body.v).toBe(0);

    await wb.post(SETTINGS, `/work/settings/${U.county}`, `admin@${U.city}`, { action: 'set', key: 'escalation.onOverdue', value: 'true', v: '0' });
    const stale = await wb.post(SETTINGS, `/work/settings/${U.county}`, admin, { action: 'set', key: 'deadlines.signFor', value: '2', v: '0' });
    expect(stale.status).toBe(409);
    expect(stale.html).toContain('刚刚被他人办理过');
    expect(stale.html).toMatch(/name="v" value="1"/);
    expect(stale.html).toMatch(/超期后上报上级单位<\/th><td>是<\/td><td data-source="here">/);

    const staffView = await wb.get(SETTINGS, `/work/settings/${U.county}`, `staff@${U.county}`);
    expect(staffView.status).toBe(200);
    expect(staffView.html).not.toContain('name="action"');
    expect(staffView.html).toContain('只有本单位及上级单位的管理员可以修改设置');
    const refused = await wb.post(SETTINGS, `/work/settings/${U.county}`, `staff@${U.county}`, { action: 'set', key: 'deadlines.signFor', value: '2', v: '1' });
    expect(refused.html).not.toContain('name="action"');
    expect((await w.api(getSettingsOp, { params: { code: U.county }, token: w.token(admin) })).body.overrides.deadlines).toBeUndefined();
  });

  it('shows each inherited calendar day with its date and the unit that declared it', async () => {
    const w = await tierWorld();
    const wb = await workbench(w);
    const put = await w.api(putSettingsOp, { params: { code: U.city }, body: { v: 0, calendar: { extraHolidays: ['2026-10-09'] } }, token: w.token(`admin@${U.city}`) });
    expect(put.status).toBe(200);
    const page = await wb.get(SETTINGS, `/work/settings/${U.county}`, `admin@${U.county}`);
    expect(page.html).toMatch(/本地增加的假日<\/th><td><ul class="plain"><li>2026-10-09（继承自 杭州市）<\/li><\/ul><\/td><td data-source="inherited">继承自 <a href="\/work\/settings\/330100000000">杭州市<\/a>/);
  });

  it('reads the form text into one override, leaving the others as they were', () => {
    const o = { deadlines: { signFor: 2 }, contact: { phone: '12345' } };
    expect(withOverride(o, 'deadlines.complaint.reply', '10')).toEqual({ deadlines: { signFor: 2, 'complaint.reply': 10 }, contact: { phone: '12345' } });
    expect(withOverride(o, 'deadlines.signFor', undefined)).toEqual({ deadlines: {}, contact: { phone: '12345' } });
    expect(withOverride({}, 'calendar.extraHolidays', '2026-10-09，2026-10-10 ')).toEqual({ calendar: { extraHolidays: ['2026-10-09', '2026-10-10'] } });
    expect(withOverride({}, 'escalation.onOverdue', 'false')).toEqual({ escalation: { onOverdue: false } });
    expect(withOverride(o, 'deadlines.signFor', 'abc').deadlines!.signFor).toBe('abc');
  });
});
