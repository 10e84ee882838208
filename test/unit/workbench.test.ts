import { describe, expect, it } from 'vitest';
import { getCaseOp, publishNoticeOp } from '../../functions/tiers/api';
import { dueClass } from '../../functions/web/workbench/tiers';
import { tierWorld, U } from '../support/tier-world';
import { workbench } from '../support/workbench';

const hiddenV = (html: string) => /name="v" value="(\d+)"/.exec(html)![1]!;

describe('the staff workbench', () => {
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

  it('colours due dates: yellow within three days, red after', () => {
    expect(dueClass('2026-03-02', '2026-03-10', false)).toBe('');
    expect(dueClass('2026-03-02', '2026-03-05', false)).toBe('due-soon');
    expect(dueClass('2026-03-02', '2026-03-01', false)).toBe('due-late');
    expect(dueClass('2026-03-02', '2026-03-09', true)).toBe('due-late');
  });
});
