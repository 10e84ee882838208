import { createHash } from 'node:crypto';
import type { Text } from '../../../shared/i18n';
import type { Reply } from '../../../shared/http/context';
import { LEVEL_NAMES } from '../../../shared/levels';
import { levelOf } from '../../../shared/codes';
import { readAuditOp, verifyAuditOp } from '../../audit/api';
import { createDepartmentOp, createStaffOp, listDepartmentsOp, listStaffOp } from '../../people/api';
import { changeUnitOp, createUnitOp, getJobOp, getUnitOp, listChildrenOp, startImportOp } from '../../units/api';
import { html, raw } from '../html';
import { redirect, t } from '../page';
import { csrfField, fieldError, fmtTime, must, refusalBlock, refusalOf, W, wbPage, type Refusal, type Staff } from './shell';

const L = {
  code: { zh: '区划代码', en: 'Division code' },
  name: { zh: '名称', en: 'Name' },
  level: { zh: '层级', en: 'Tier' },
  state: { zh: '状态', en: 'State' },
  children: { zh: '下级单位', en: 'Units below' },
  none: { zh: '暂无。', en: 'None.' },
  more: { zh: '更多', en: 'More' },
  up: { zh: '上级单位', en: 'Unit above' },
  rename: { zh: '更名', en: 'Rename' },
  newName: { zh: '新名称', en: 'New name' },
  create: { zh: '新建下级单位', en: 'Create a unit below' },
  save: { zh: '保存', en: 'Save' },
  import: { zh: '导入区划代码树', en: 'Import a division tree' },
  importHelp: {
    zh: '选择区划代码树文件（JSON：code、name、level、children），或把文件内容粘贴到下面。',
    en: 'Choose a division tree file (JSON: code, name, level, children), or paste its content below.',
  },
  file: { zh: '文件', en: 'File' },
  content: { zh: '文件内容', en: 'File content' },
  start: { zh: '开始导入', en: 'Start the import' },
  job: { zh: '导入进度', en: 'Import progress' },
  jobState: { zh: '任务状态', en: 'Job state' },
  done: { zh: '已处理', en: 'Processed' },
  created: { zh: '新建', en: 'Created' },
  skipped: { zh: '已存在（跳过）', en: 'Already there (skipped)' },
  failed: { zh: '失败', en: 'Failed' },
  failures: { zh: '未能导入的节点', en: 'What failed' },
  refreshing: { zh: '导入进行中，进度自动更新。', en: 'The import is running; the progress updates by itself.' },
  reload: { zh: '刷新', en: 'Reload' },
  departments: { zh: '部门', en: 'Departments' },
  staff: { zh: '工作人员账户', en: 'Staff accounts' },
  role: { zh: '角色', en: 'Role' },
  dept: { zh: '部门', en: 'Department' },
  sub: { zh: '账户标识（sub）', en: 'Account id (sub)' },
  addDept: { zh: '新建部门', en: 'Add a department' },
  addStaff: { zh: '新建工作人员账户', en: 'Add a staff account' },
  verify: { zh: '校验日志', en: 'Verify the log' },
  verifiedOk: { zh: '校验通过：{n} 条记录完整。', en: 'Verified: {n} entries intact.' },
  verifiedBad: { zh: '校验未通过：第 {seq} 条记录{problem}。', en: 'Verification failed: entry {seq} is {problem}.' },
  at: { zh: '时间', en: 'When' },
  actor: { zh: '操作人', en: 'Who' },
  action: { zh: '操作', en: 'Action' },
  subject: { zh: '对象', en: 'Subject' },
} satisfies Record<string, Text>;

const ROLE: Record<string, Text> = {
  staff: { zh: '工作人员', en: 'Staff' },
  'unit-admin': { zh: '单位管理员', en: 'Unit administrator' },
  auditor: { zh: '审计员', en: 'Auditor' },
  'province-admin': { zh: '省级管理员', en: 'Province administrator' },
};
/** States of units and of accounts. */
const UNIT_STATE: Record<string, Text> = {
  active: { zh: '正常', en: 'Active' },
  suspended: { zh: '已停用', en: 'Suspended' },
  disabled: { zh: '已停用', en: 'Disabled' },
};
const JOB_STATE: Record<string, Text> = {
  queued: { zh: '排队中', en: 'Queued' },
  running: { zh: '导入中', en: 'Running' },
  done: { zh: '已完成', en: 'Done' },
  failed: { zh: '失败', en: 'Failed' },
};
const PROBLEM: Record<string, Text> = {
  altered: { zh: '被篡改', en: 'altered' },
  missing: { zh: '缺失', en: 'missing' },
  reordered: { zh: '顺序被调换', en: 'reordered' },
  truncated: { zh: '被截断', en: 'truncated' },
  head: { zh: '与检查点不符', en: 'not matching the checkpoint' },
};
const say = (s: Staff, m: Record<string, Text>, k: string) => (m[k] ? t(s.ctx, m[k]) : k);

export const admin = (s: Staff) => s.me.role === 'province-admin' || s.me.role === 'unit-admin';

type UnitForm = 'rename' | 'create' | 'import';

export async function unitPage(s: Staff, code: string, cursor?: string, problem?: { form: UnitForm; r: Refusal }): Promise<Reply> {
  const [unit, children] = await Promise.all([
    must(s, s.api(getUnitOp, { params: { code } })),
    must(s, s.api(listChildrenOp, { params: { code }, query: { limit: '100', cursor } })),
  ]);
  const near = (f: UnitForm, path?: string) => (problem?.form !== f ? '' : path ? fieldError(problem.r, path) : refusalBlock(s, problem.r, `${f}-refusal`));
  const provision = s.me.role === 'province-admin';
  const action = `/work/units/${code}`;
  const body = html`<h1>${unit.name}</h1>
<dl class="facts"><dt>${t(s.ctx, L.code)}</dt><dd>${unit.code}</dd><dt>${t(s.ctx, L.level)}</dt><dd>${t(s.ctx, LEVEL_NAMES[levelOf(code)])}</dd>
<dt>${t(s.ctx, L.state)}</dt><dd>${say(s, UNIT_STATE, unit.status)}</dd>
${unit.parent ? html`<dt>${t(s.ctx, L.up)}</dt><dd><a href="/work/units/${unit.parent}">${unit.parent}</a></dd>` : ''}</dl>
<p class="bar"><a href="/work/dashboard/${code}">${t(s.ctx, W.dashboard)}</a><a href="/work/people/${code}">${t(s.ctx, W.people)}</a><a href="/work/settings/${code}">${t(s.ctx, W.settings)}</a>${s.me.role === 'auditor' ? html`<a href="/work/audit/${code}">${t(s.ctx, W.audit)}</a>` : ''}</p>
<h2>${t(s.ctx, L.children)}</h2>
${
  children.items.length
    ? html`<ul class="units" id="children">${children.items.map((c: any) => html`<li><a href="/work/units/${c.code}">${c.name}</a></li>`)}</ul>
${children.cursor ? html`<p class="pager"><a href="${action}?cursor=${encodeURIComponent(children.cursor)}">${t(s.ctx, L.more)}</a></p>` : ''}`
    : html`<p>${t(s.ctx, L.none)}</p>`
}
${
  provision
    ? html`<h2 id="h-rename">${t(s.ctx, L.rename)}</h2>${near('rename')}
<form class="wb" method="post" action="${action}">${csrfField(s)}<input type="hidden" name="action" value="rename"><input type="hidden" name="v" value="${unit.v}">
<label for="u-name">${t(s.ctx, L.newName)}</label><input type="text" id="u-name" name="name" value="${unit.name}">${near('rename', 'body.name')}
<p><button class="button" type="submit">${t(s.ctx, L.save)}</button></p></form>
<h2 id="h-create">${t(s.ctx, L.create)}</h2>${near('create')}
<form class="wb" method="post" action="${action}">${csrfField(s)}<input type="hidden" name="action" value="create">
<label for="c-code">${t(s.ctx, L.code)}</label><input type="text" id="c-code" name="childCode" inputmode="numeric" maxlength="12">${near('create', 'body.code')}
<label for="c-name">${t(s.ctx, L.name)}</label><input type="text" id="c-name" name="name">${near('create', 'body.name')}
<p><button class="button" type="submit">${t(s.ctx, L.create)}</button></p></form>
<h2 id="h-import">${t(s.ctx, L.import)}</h2>${near('import')}
<form class="wb" method="post" action="${action}/imports">${csrfField(s)}
<p>${t(s.ctx, L.importHelp)}</p>
<label for="i-file">${t(s.ctx, L.file)}</label><input type="file" id="i-file" accept=".json,application/json" data-into="i-tree">
<label for="i-tree">${t(s.ctx, L.content)}</label><textarea id="i-tree" name="tree" rows="6"></textarea>
<p><button class="button" type="submit">${t(s.ctx, L.start)}</button></p></form>`
    : ''
}`;
  return wbPage(s, { title: unit.name, body, status: problem?.r.status ?? 200, crumbs: [{ href: action, label: unit.name }], scripts: provision ? [SCRIPT_HREF] : [] });
}

export async function changeUnit(s: Staff, code: string, body: { action?: string; name?: string; childCode?: string; v?: string }): Promise<Reply> {
  if (body.action === 'create') {
    const a = await s.api(createUnitOp, { body: { code: body.childCode ?? '', name: body.name ?? '' } });
    const r = refusalOf(a);
    return r ? unitPage(s, code, undefined, { form: 'create', r }) : redirect(`/work/units/${a.body.code}`);
  }
  const v = Number(body.v);
  const a = await s.api(changeUnitOp, { params: { code }, body: { name: body.name ?? '', ...(Number.isInteger(v) && v > 0 ? { v } : {}) } });
  const r = refusalOf(a);
  return r ? unitPage(s, code, undefined, { form: 'rename', r }) : redirect(`/work/units/${code}`);
}

export async function startImport(s: Staff, code: string, tree: string | undefined): Promise<Reply> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(tree ?? '');
  } catch {
    const r = { status: 400, message: t(s.ctx, { zh: '文件内容不是有效的 JSON。', en: 'The file is not valid JSON.' }), fields: [] };
    return unitPage(s, code, undefined, { form: 'import', r });
  }
  const a = await s.api(startImportOp, { params: { code }, body: parsed });
  const r = refusalOf(a);
  return r ? unitPage(s, code, undefined, { form: 'import', r }) : redirect(`/work/jobs/${encodeURIComponent(a.body.jobId)}`);
}

/**
 * An import's progress: the bar and figures, in a region the workbench script refreshes from this same page every
 * second while the job runs (no timed reload, which WCAG 2.2.1 rules out); without script, reloading shows the same.
 */
export async function jobPage(s: Staff, jobId: string): Promise<Reply> {
  const job = await must(s, s.api(getJobOp, { params: { jobId } }));
  const running = job.state === 'queued' || job.state === 'running';
  const pct = job.total ? Math.floor((job.done / job.total) * 100) : running ? 0 : 100;
  const body = html`<h1>${t(s.ctx, L.job)}</h1>
<div id="job" aria-live="polite" data-poll="${running ? '1000' : ''}">
<p><label for="job-bar">${say(s, JOB_STATE, job.state)}：<span id="job-pct">${pct}</span> %</label></p>
<progress id="job-bar" max="100" value="${pct}">${pct} %</progress>
<dl class="facts" id="job-figures"><dt>${t(s.ctx, L.done)}</dt><dd>${job.done} / ${job.total}</dd><dt>${t(s.ctx, L.created)}</dt><dd>${job.created}</dd>
<dt>${t(s.ctx, L.skipped)}</dt><dd>${job.skipped}</dd><dt>${t(s.ctx, L.failed)}</dt><dd id="job-failed">${job.failed}</dd></dl>
${running ? html`<p class="lede">${t(s.ctx, L.refreshing)} <a href="/work/jobs/${encodeURIComponent(jobId)}">${t(s.ctx, L.reload)}</a></p>` : ''}
${job.errors.length ? html`<h2>${t(s.ctx, L.failures)}</h2><ul id="job-errors">${job.errors.map((e: any) => html`<li>${e.code}：${e.message}</li>`)}</ul>` : ''}
</div>
<p><a href="/work/units/${job.under}">${job.under}</a></p>`;
  return wbPage(s, { title: t(s.ctx, L.job), body, scripts: [SCRIPT_HREF] });
}

type PeopleForm = 'dept' | 'staff';

export async function peoplePage(s: Staff, code: string, problem?: { form: PeopleForm; r: Refusal }): Promise<Reply> {
  const [depts, staff] = await Promise.all([
    must(s, s.api(listDepartmentsOp, { params: { code }, query: { limit: '200' } })),
    must(s, s.api(listStaffOp, { params: { code }, query: { limit: '200' } })),
  ]);
  const near = (f: PeopleForm, path?: string) => (problem?.form !== f ? '' : path ? fieldError(problem.r, path) : refusalBlock(s, problem.r, `${f}-refusal`));
  const deptName = new Map<string, string>(depts.items.map((d: any) => [d.id, d.name]));
  const action = `/work/people/${code}`;
  const body = html`<h1>${t(s.ctx, W.people)} · ${code}</h1>
<h2>${t(s.ctx, L.departments)}</h2>
${depts.items.length ? html`<ul id="departments">${depts.items.map((d: any) => html`<li>${d.name}${d.status === 'active' ? '' : ` (${d.status})`}</li>`)}</ul>` : html`<p>${t(s.ctx, L.none)}</p>`}
<h2>${t(s.ctx, L.staff)}</h2>
${
  staff.items.length
    ? html`<div class="table-scroll"><table class="wb" id="staff"><thead><tr><th scope="col">${t(s.ctx, L.name)}</th><th scope="col">${t(s.ctx, L.sub)}</th><th scope="col">${t(s.ctx, L.role)}</th><th scope="col">${t(s.ctx, L.dept)}</th><th scope="col">${t(s.ctx, L.state)}</th></tr></thead>
<tbody>${staff.items.map((p: any) => html`<tr><td>${p.name}</td><td>${p.sub}</td><td>${say(s, ROLE, p.role)}</td><td>${p.deptId ? (deptName.get(p.deptId) ?? p.deptId) : ''}</td><td>${say(s, UNIT_STATE, p.status)}</td></tr>`)}</tbody></table></div>`
    : html`<p>${t(s.ctx, L.none)}</p>`
}
${
  admin(s)
    ? html`<h2>${t(s.ctx, L.addDept)}</h2>${near('dept')}
<form class="wb" method="post" action="${action}">${csrfField(s)}<input type="hidden" name="action" value="dept">
<label for="d-name">${t(s.ctx, L.name)}</label><input type="text" id="d-name" name="name">${near('dept', 'body.name')}
<p><button class="button" type="submit">${t(s.ctx, L.addDept)}</button></p></form>
<h2>${t(s.ctx, L.addStaff)}</h2>${near('staff')}
<form class="wb" method="post" action="${action}">${csrfField(s)}<input type="hidden" name="action" value="staff">
<label for="s-sub">${t(s.ctx, L.sub)}</label><input type="text" id="s-sub" name="sub">${near('staff', 'body.sub')}
<label for="s-name">${t(s.ctx, L.name)}</label><input type="text" id="s-name" name="name">${near('staff', 'body.name')}
<label for="s-role">${t(s.ctx, L.role)}</label><select id="s-role" name="role">${['staff', 'unit-admin', 'auditor'].map((r) => html`<option value="${r}">${say(s, ROLE, r)}</option>`)}</select>${near('staff', 'body.role')}
<label for="s-dept">${t(s.ctx, L.dept)}</label><select id="s-dept" name="deptId"><option value=""></option>${depts.items.map((d: any) => html`<option value="${d.id}">${d.name}</option>`)}</select>${near('staff', 'body.deptId')}
<p><button class="button" type="submit">${t(s.ctx, L.addStaff)}</button></p></form>`
    : ''
}`;
  return wbPage(s, { title: t(s.ctx, W.people), body, status: problem?.r.status ?? 200, crumbs: [{ href: `/work/units/${code}`, label: code }, { href: action, label: t(s.ctx, W.people) }] });
}

export async function changePeople(s: Staff, code: string, body: { action?: string; name?: string; sub?: string; role?: string; deptId?: string }): Promise<Reply> {
  const a =
    body.action === 'dept'
      ? await s.api(createDepartmentOp, { params: { code }, body: { name: body.name ?? '' } })
      : await s.api(createStaffOp, { params: { code }, body: { sub: body.sub ?? '', name: body.name ?? '', role: body.role ?? '', ...(body.deptId ? { deptId: body.deptId } : {}) } });
  const r = refusalOf(a);
  return r ? peoplePage(s, code, { form: body.action === 'dept' ? 'dept' : 'staff', r }) : redirect(`/work/people/${code}`);
}

export async function auditPage(s: Staff, code: string, cursor?: string, verify?: boolean): Promise<Reply> {
  const [log, check] = await Promise.all([
    must(s, s.api(readAuditOp, { params: { code }, query: { limit: '50', cursor } })),
    verify ? must(s, s.api(verifyAuditOp, { params: { code } })) : undefined,
  ]);
  const action = `/work/audit/${code}`;
  const result = check
    ? check.ok
      ? html`<p class="notice-ok" role="status" id="verify-result">${t(s.ctx, L.verifiedOk).replace('{n}', String(check.entries))}</p>`
      : html`<div class="refusal" role="alert" id="verify-result"><p>${t(s.ctx, L.verifiedBad).replace('{seq}', String(check.firstBroken?.seq)).replace('{problem}', say(s, PROBLEM, check.firstBroken?.problem ?? ''))}</p></div>`
    : '';
  const body = html`<h1>${t(s.ctx, W.audit)} · ${code}</h1>
<form method="get" action="${action}"><input type="hidden" name="verify" value="1"><button class="button" type="submit">${t(s.ctx, L.verify)}</button></form>
${result}
<div class="table-scroll"><table class="wb" id="audit"><thead><tr><th scope="col">#</th><th scope="col">${t(s.ctx, L.at)}</th><th scope="col">${t(s.ctx, L.actor)}</th><th scope="col">${t(s.ctx, L.action)}</th><th scope="col">${t(s.ctx, L.subject)}</th></tr></thead>
<tbody>${log.items.map((e: any) => html`<tr><td class="num">${e.seq}</td><td>${fmtTime(e.at)}</td><td>${e.actor.sub} (${e.actor.role})</td><td>${e.action}</td><td>${e.subject}</td></tr>`)}</tbody></table></div>
${log.cursor ? html`<p class="pager"><a href="${action}?cursor=${encodeURIComponent(log.cursor)}">${t(s.ctx, L.more)}</a></p>` : ''}`;
  return wbPage(s, { title: t(s.ctx, W.audit), body, crumbs: [{ href: action, label: t(s.ctx, W.audit) }] });
}

/**
 * The one script of the workbench, an enhancement only: a chosen file is read into the form's text field (so the
 * import form posts the same field with or without it; without, the content is pasted), and a region marked
 * `data-poll` is refreshed from the page itself until the page stops marking it.
 */
export const WB_SCRIPT = `document.addEventListener('change',function(e){var i=e.target;if(!i||i.type!=='file'||!i.dataset.into||!i.files[0])return;var r=new FileReader();r.onload=function(){document.getElementById(i.dataset.into).value=r.result};r.readAsText(i.files[0])});
(function poll(){var el=document.querySelector('[data-poll]');if(!el||!el.dataset.poll)return;setTimeout(function(){fetch(location.href,{credentials:'same-origin'}).then(function(r){return r.text()}).then(function(t){var n=new DOMParser().parseFromString(t,'text/html').getElementById(el.id);if(n){el.innerHTML=n.innerHTML;el.dataset.poll=n.dataset.poll||''}poll()}).catch(poll)},Number(el.dataset.poll))})();`;
export const SCRIPT_FILE = `wb.${createHash('sha256').update(WB_SCRIPT).digest('hex').slice(0, 12)}.js`;
export const SCRIPT_HREF = `/work/assets/${SCRIPT_FILE}`;
