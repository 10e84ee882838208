import { describe, expect, it } from 'vitest';
import { createDataRequestOp, getCaseOp, publishNoticeOp } from '../../functions/tiers/api';
import { dueClass } from '../../functions/web/workbench/tiers';
import { createDocument } from '../../functions/disclosure/documents';
import { fileTicketOp } from '../../functions/tickets/api';
import { tierWorld, U } from '../support/tier-world';
import { apply, withItem } from '../support/services-world';
import { workbench } from '../support/workbench';

const hiddenV = (html: string) => /name="v" value="(\d+)"/.exec(html)![1]!;

describe('the staff workbench', () => {
  it('a village fills in a data request by pasting rows, a wrong cell is named, and the township downloads every row', async () => {
    const w = await tierWorld();
    const wb = await workbench(w);
    const columns = [
      { key: 'households', label: '户数', type: 'integer', required: true },
      { key: 'checked', label: '核查日期', type: 'date', required: true },
    ];
    const r = await w.api(createDataRequestOp, {
      params: { code: U.township },
      body: { title: '报送户数', body: '请填报。', assignees: [U.village], workingDays: 5, columns },
      token: w.token(`staff@${U.township}`),
    });
    expect(r.status).toBe(201);
    await w.settle();
    const clerk = `staff@${U.village}`;
    const inbox = await wb.get('/work/inbox', '/work/inbox', clerk);
    expect(inbox.html).toContain('报送户数');
    expect(inbox.html).toContain('数据报送');
    const casePath = `/work/cases/${U.village}/data-request/${r.body.id}`;
    const route = '/work/cases/{unit}/{kind}/{id}';
    let page = await wb.get(route, casePath, clerk);
    expect((await wb.post(route, casePath, clerk, { action: 'accept', v: hiddenV(page.html) })).status).toBe(303);
    page = await wb.get(route, casePath, clerk);
    expect(page.html).toContain('户数（整数，必填）');
    const bad = await wb.post(route, casePath, clerk, { action: 'complete', v: hiddenV(page.html), rows: '312\t2026-03-03\n八户\t2026-03-03' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('「户数」应为整数');
    page = await wb.get(route, casePath, clerk);
    const done = await wb.post(route, casePath, clerk, { action: 'complete', v: hiddenV(page.html), rows: '1312\t2026-03-03\n8,2026-03-04\n' });
    expect(done.status, done.html.replace(/[\s\S]*<main/, "").slice(0, 1500)).toBe(303);
    await w.settle();

    const sent = await wb.get('/work/data-requests/{id}', `/work/data-requests/${r.body.id}`, `staff@${U.township}`);
    expect(sent.status).toBe(200);
    expect(sent.html).toMatch(/<td>1312<\/td><td>2026-03-03<\/td>/);
    const csv = await wb.get('/work/data-requests/{id}/rows.csv', `/work/data-requests/${r.body.id}/rows.csv`, `staff@${U.township}`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.html.replace(/^\uFEFF/, '').trim().split(/\r?\n/)).toEqual(['单位代码 Unit,户数,核查日期', `${U.village},1312,2026-03-03`, `${U.village},8,2026-03-04`]);
  });

  it('a township clerk reads and signs a county notice, and the county sees the count change', async () => {
    const w = await tierWorld();
    const wb = await workbench(w);
    const n = await w.api(publishNoticeOp, { params: { code: U.county }, body: { title: '关于做好冬季防火的通知', body: '请各单位落实。' }, token: w.token(`staff@${U.county}`) });
    expect(n.status).toBe(201);
    const clerk = `staff@${U.township}`;
    const inbox = await wb.get('/work/inbox', '/work/inbox', clerk);
    expect(inbox.status).toBe(200);
    expect(inbox.html).toContain('关于做好冬季防火的通知');
    expect(inbox.headers['content-security-policy']).toContain("script-src 'self'");
    const before = await wb.get('/work/sent/{id}', `/work/sent/${n.body.id}`, `staff@${U.county}`);
    expect(before.html).toMatch(/data-level="township"><th scope="row">[^<]+<\/th><td class="num">0</);
    const signed = await wb.post('/work/notices/{from}/{id}', `/work/notices/${U.county}/${n.body.id}`, clerk, { kind: 'sign' });
    expect(signed.status).toBe(303);
    const page = await wb.get('/work/notices/{from}/{id}', `/work/notices/${U.county}/${n.body.id}`, clerk);
    expect(page.html).toMatch(/id="ack-state">已签收/);
    const after = await wb.get('/work/sent/{id}', `/work/sent/${n.body.id}`, `staff@${U.county}`);
    expect(after.html).toMatch(/data-level="township"><th scope="row">[^<]+<\/th><td class="num">1</);
  });

  it('a county assigns, the township works the task; a stale form gets the fresh state and changes nothing', async () => {
    const w = await tierWorld();
    const wb = await workbench(w);
    const sent = await wb.post('/work/assignments', '/work/assignments', `staff@${U.county}`, {
      title: '排查辖区危房',
      body: '请于期限内完成排查。',
      assignees: [U.township],
      workingDays: '5',
    });
    expect(sent.status, sent.html).toBe(303);
    const id = sent.location!.split('/').pop()!;
    await w.settle();
    const casePath = `/work/cases/${U.township}/assignment/${id}`;
    const route = '/work/cases/{unit}/{kind}/{id}';
    const a = `staff@${U.township}`;
    const b = `admin@${U.township}`;
    const seenByA = await wb.get(route, casePath, a);
    const seenByB = await wb.get(route, casePath, b);
    expect(seenByA.html).toContain('排查辖区危房');
    expect((await wb.post(route, casePath, a, { action: 'accept', v: hiddenV(seenByA.html) })).status).toBe(303);
    const stale = await wb.post(route, casePath, b, { action: 'accept', v: hiddenV(seenByB.html) });
    expect(stale.status).toBe(409);
    expect(stale.html).toContain('刚刚被他人办理过');
    expect(stale.html).toMatch(/id="case-status">办理中/);
    // A return without its reason: the API's message beside the return form, nothing written.
    const fresh = await wb.get(route, casePath, a);
    const v = hiddenV(fresh.html);
    const refused = await wb.post(route, casePath, a, { action: 'return', v, note: '' });
    expect(refused.status).toBe(400);
    expect(refused.html).toMatch(/id="refusal-return"[^]*请填写说明/);
    const held = await w.api(getCaseOp, { params: { code: U.township, kind: 'assignment', id }, token: w.token(a) });
    expect(String(held.body.case.v)).toBe(v);
    expect((await wb.post(route, casePath, a, { action: 'complete', v })).status).toBe(303);
    await w.settle();
    const view = await wb.get('/work/assignments/{id}', `/work/assignments/${id}`, `staff@${U.county}`);
    expect(view.html).toMatch(new RegExp(`data-unit="${U.township}">[^]*?已办结`));
  });

  it('a post without the session’s CSRF token changes nothing', async () => {
    const w = await tierWorld();
    const wb = await workbench(w);
    await wb.get('/work', '/work', `staff@${U.county}`);
    const before = w.snapshot();
    const res = await wb.call('POST', '/work/sent', '/work/sent', `staff@${U.county}`, { csrf: 'forged', title: '伪造', body: '伪造' });
    expect(res.status).toBe(403);
    expect(w.snapshot()).toBe(before);
  });

  it('asks for a staff sign-in, and turns residents away', async () => {
    const w = await tierWorld();
    const wb = await workbench(w);
    const anon = await wb.get('/work', '/work', undefined);
    expect(anon.status).toBe(401);
    expect(anon.html).toContain('/sign-in?back=%2Fwork');
    w.people.citizen = { sub: 'resident-1', role: 'citizen', unit: U.village };
    const resident = await wb.call('GET', '/work', '/work', 'citizen');
    expect(resident.status).toBe(403);
  });

  it('an admin creates a unit, sees the API refuse a bad one beside the form, and starts an import', async () => {
    const w = await tierWorld();
    const wb = await workbench(w);
    const admin = 'admin@330000000000';
    const bad = await wb.post('/work/units/{code}', `/work/units/${U.township}`, admin, { action: 'create', childCode: '12', name: '新村' });
    expect(bad.status).toBe(400);
    expect(bad.html).toMatch(/id="create-refusal"/);
    const ok = await wb.post('/work/units/{code}', `/work/units/${U.township}`, admin, { action: 'create', childCode: '330106004009', name: '九村' });
    expect(ok.status, ok.html).toBe(303);
    const tree = JSON.stringify({ code: '330106004010', name: '十村', level: 'village' });
    const started = await wb.post('/work/units/{code}/imports', `/work/units/${U.township}/imports`, admin, { tree });
    expect(started.status, started.html).toBe(303);
    const job = await wb.get('/work/jobs/{jobId}', started.location!, admin);
    expect(job.status).toBe(200);
    expect(job.html).toMatch(/<progress id="job-bar" max="100" value="\d+"/);
    expect(job.html).toMatch(/data-poll="1000"/);
    expect(job.html).toContain('<script src="/work/assets/wb.');
  });

  it('shows settings with their sources, and verifies the audit log for an auditor', async () => {
    const w = await tierWorld();
    const wb = await workbench(w);
    const settings = await wb.get('/work/settings/{code}', `/work/settings/${U.county}`, `admin@${U.county}`);
    expect(settings.status).toBe(200);
    expect(settings.html).toContain('国家规定（默认）');
    await wb.post('/work/units/{code}', `/work/units/${U.county}`, 'admin@330000000000', { action: 'rename', name: '西湖区（新）' });
    const audit = await wb.get('/work/audit/{code}', `/work/audit/${U.county}?verify=1`, 'auditor');
    expect(audit.status).toBe(200);
    expect(audit.html).toMatch(/id="verify-result">校验通过/);
    const staffAudit = await wb.get('/work/audit/{code}', `/work/audit/${U.county}`, `staff@${U.county}`);
    expect(staffAudit.status).toBe(403);
  });

  it('the dashboard lists each child, sorts on the server and draws its chart as an SVG image', async () => {
    const w = await tierWorld();
    const wb = await workbench(w);
    const dash = await wb.get('/work/dashboard/{code}', `/work/dashboard/${U.county}?sort=-opened`, `admin@${U.county}`);
    expect(dash.status).toBe(200);
    expect(dash.html).toContain(`/work/dashboard/${U.township}`);
    expect(dash.html).toContain('aria-sort="descending"');
    expect(dash.html).not.toContain('<script');
    const chart = await wb.get('/work/dashboard/{code}/chart.svg', `/work/dashboard/${U.county}/chart.svg`, `admin@${U.county}`);
    expect(chart.status).toBe(200);
    expect(chart.html.startsWith('<svg')).toBe(true);
  });

  it('the dashboard counts tickets by category, with the unit’s stale and overdue documents and late publications below', async () => {
    const w = await tierWorld('2026-01-20T02:00:00Z');
    const wb = await workbench(w);
    const doc = (title: string, writtenOn: string) => ({ title, category: 'statistics' as const, subjects: ['统计'], writtenOn, body: '统计数据。', attachments: [] });
    // The county's statistics column, monthly: stale after 26 February.
    await createDocument(w.deps, w.people[`staff@${U.county}`]!, U.county, doc('一月统计', '2026-01-19'));
    w.setClock('2026-02-27T02:00:00Z');
    // A village publishes one past its 20 working days.
    await createDocument(w.deps, w.people[`staff@${U.village}`]!, U.village, doc('迟到的统计', '2026-01-05'));
    const citizen = await w.sign({ sub: 'resident-1', role: 'citizen', unit: U.village });
    for (const [category, text] of [
      ['streetlight', '村口路灯不亮已有一周，晚上出行不便。'],
      ['streetlight', '小学门口的路灯坏了，孩子放学路上很黑。'],
      ['noise', '夜里工地施工噪声很大，影响休息。'],
    ]) {
      const r = await w.api(fileTicketOp, { params: { code: U.village }, body: { type: 'complaint', category, text }, token: citizen });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    await w.settle();
    const dash = await wb.get('/work/dashboard/{code}', `/work/dashboard/${U.county}`, `admin@${U.county}`);
    expect(dash.status).toBe(200);
    const rows = [...dash.html.matchAll(/<tr data-category="(\w+)"><th scope="row">([^<]+)<\/th><td class="num">(\d+)<\/td><td class="num">(\d+)<\/td>/g)].map((m) => m.slice(1));
    // Most filed first, none for a category nobody filed under; the county itself filed none.
    expect(rows).toEqual([
      ['streetlight', '路灯照明', '0', '2'],
      ['noise', '噪声扰民', '0', '1'],
    ]);
    expect(dash.html).toMatch(/data-figure="stale-columns">1</);
    expect(dash.html).toMatch(/data-figure="late-drafts">0</);
    expect(dash.html).toMatch(/data-figure="subtree-disclosureLate">1</);
    // Each unit below with its figure: the township holds the village's late publication.
    expect(dash.html).toMatch(new RegExp(`<a href="/work/dashboard/${U.township}\\?days=30">[^<]+</a></th>(<td class="num">[^<]*</td>){7}<td class="num">1</td></tr>`));
    // The village's clerk reads the village's board, without the county's deadlines.
    const village = await wb.get('/work/dashboard/{code}', `/work/dashboard/${U.village}`, `staff@${U.village}`);
    expect(village.status).toBe(200);
    expect(village.html).toMatch(/<tr data-category="streetlight"><th scope="row">路灯照明<\/th><td class="num">2<\/td><td class="num">2<\/td>/);
  });

  it('an application refused a 补正 keeps what the clerk typed beside the message; once granted it shows what is missing', async () => {
    const w = await withItem();
    const wb = await workbench(w);
    const a = await apply(w, U.township);
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    const clerk = `clerk@${U.township}`;
    const route = '/work/applications/{unit}/{id}';
    const path = `/work/applications/${U.township}/${a.body.id}`;
    expect((await wb.get('/work', '/work', clerk)).html).toContain(`href="${path}"`);
    const page = await wb.get(route, path, clerk);
    // The form as the item's guide names its fields, the timeline in words.
    expect(page.html).toContain('<dt>申请人姓名</dt><dd>王小明</dd>');
    expect(page.html).toContain('提交申请 → 待受理');
    const v = hiddenV(page.html);
    const refused = await wb.post(route, path, clerk, { action: 'request-supplement', v, reason: '出生证明 <复印件> 不清晰', missing: '' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('id="refusal-request-supplement"');
    expect(refused.html).toContain('<textarea id="reason-request-supplement" name="reason" rows="2">出生证明 &lt;复印件&gt; 不清晰</textarea>');
    expect(refused.html).toContain('<textarea id="reason-accept" name="reason" rows="2"></textarea>');
    expect(refused.html).toMatch(/id="case-status">待受理</);
    const granted = await wb.post(route, path, clerk, { action: 'request-supplement', v, reason: '出生证明不清晰', missing: '出生医学证明\n父母身份证' });
    expect(granted.status).toBe(303);
    const after = await wb.get(route, path, clerk);
    expect(after.html).toMatch(/id="case-status">待补正</);
    expect(after.html).toContain('<li>父母身份证</li>');
    expect(after.html).not.toContain('name="action"');
  });

  it('colours due dates: yellow within three days, red after', () => {
    expect(dueClass('2026-03-02', '2026-03-10', false)).toBe('');
    expect(dueClass('2026-03-02', '2026-03-05', false)).toBe('due-soon');
    expect(dueClass('2026-03-02', '2026-03-01', false)).toBe('due-late');
    expect(dueClass('2026-03-02', '2026-03-09', true)).toBe('due-late');
  });
});
