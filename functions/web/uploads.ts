import { createHash } from 'node:crypto';
import { ApiError } from '../../shared/errors';
import type { Reply } from '../../shared/http/context';
import type { Text } from '../../shared/i18n';
import { BUCKET_ENV } from '../../shared/resources';
import { isUnitCode } from '../../shared/codes';
import { resolveScope } from '../../tenants/scope';
import { startUploadOp } from '../uploads/api';
import { FILE_TYPES, PURPOSE_RULES, startUploadAt, type Attachment } from '../uploads/attachments';
import { html, type Html } from './html';
import { CSP, t, type PageContext } from './page';
import { csrfMatches } from './session';
import { FORM_TEXT, one, schemaCheck, type Errors, type Values } from './form-fields';

/**
 * Attaching files to an application or a 补正 in the page. The browser has no token, so the page asks this function
 * (with the session and its CSRF token) for a presigned POST, made by the uploads capability's own function in the
 * signed-in person's name, and sends the file straight to the bucket with a progress bar; the object's reference goes
 * in a hidden field and the form post hands it to the domain function, which claims it as the API does. Without
 * JavaScript the page says that files are attached with JavaScript or at the counter, and the form works without them.
 */

const L = {
  heading: { zh: '上传材料', en: 'Attach documents' },
  noScript: {
    zh: '上传附件需要启用 JavaScript；也可以不上传，办理时到窗口提交材料。',
    en: 'Attaching files needs JavaScript; you can also send the form without them and bring the documents to the counter.',
  },
  progress: { zh: '上传进度', en: 'Upload progress' },
  uploading: { zh: '正在上传…', en: 'Uploading…' },
  done: { zh: '已上传：', en: 'Uploaded: ' },
  failed: { zh: '上传失败，请重试。', en: 'The upload failed; please try again.' },
  badRef: { zh: '附件信息无效，请重新上传', en: 'the attachment is not valid; upload it again' },
  signIn: { zh: '请先登录', en: 'Please sign in first' },
  onlyPublic: { zh: '仅个人和企业账户可以上传附件', en: 'Only residents and businesses attach files here' },
  more: { zh: '补充材料', en: 'Further documents' },
} satisfies Record<string, Text>;

const PURPOSE = 'application';
const FORMATS = PURPOSE_RULES[PURPOSE].types.map((type) => FILE_TYPES[type]);
const LIMIT = `${PURPOSE_RULES[PURPOSE].maxBytes / 1024 / 1024} MiB`;
const LEDE: Text = {
  zh: `可上传材料的扫描件或照片，每个文件不超过 ${LIMIT}，格式为 ${FORMATS.join('、')}。`,
  en: `Attach scans or photos of the documents: each file at most ${LIMIT}, as ${FORMATS.join(', ')}.`,
};

/** The bucket's origin, as the browser sends uploads to it: the endpoint when one is set (the emulator), else S3's. */
export function bucketOrigin(): string {
  const endpoint = process.env.AWS_ENDPOINT_URL_S3;
  if (endpoint) return new URL(endpoint).origin;
  const region = process.env.AWS_REGION ?? 'us-east-1';
  return `https://${process.env[BUCKET_ENV] ?? ''}.s3.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/** The page's headers that let it send files to the bucket: its CSP with the bucket as the one other place to connect. */
export const uploadHeaders = (): Partial<Reply> => ({ headers: { 'content-security-policy': CSP.replace("connect-src 'self'", `connect-src 'self' ${bucketOrigin()}`) } });

const json = (status: number, body: unknown): Reply => ({ status, body: JSON.stringify(body), type: 'application/json', headers: { 'cache-control': 'no-store' } });
/** A refusal of the upload route: JSON for the page's script, as the API gives it. */
export const refusal = (ctx: Pick<PageContext, 'lang'>, e: ApiError): Reply => json(e.status, e.body(ctx.lang));

/** `POST /units/{code}/uploads`: a presigned POST for one file of the signed-in resident's or business's, as JSON. */
export async function uploadPost(ctx: PageContext, code: string, values: Values): Promise<Reply> {
  if (!ctx.signedIn) return refusal(ctx, new ApiError('unauthorized', [], L.signIn));
  const { session } = ctx.signedIn;
  if (!csrfMatches(session, values.csrf)) return refusal(ctx, new ApiError('forbidden', [], FORM_TEXT.badForm));
  if (session.principal.role !== 'citizen' && session.principal.role !== 'business') return refusal(ctx, new ApiError('forbidden', [], L.onlyPublic));
  if (!isUnitCode(code)) return refusal(ctx, new ApiError('not_found'));
  const size = one(values, 'size');
  const input = { purpose: PURPOSE, name: one(values, 'name'), type: one(values, 'type'), size: /^\d+$/.test(size) ? Number(size) : size };
  try {
    // The API's own request schema, then its own function: the same refusals in the same words.
    schemaCheck(ctx, startUploadOp.body, input)();
    const scope = await resolveScope(session.principal, ctx.deps.store);
    return json(201, await startUploadAt(ctx.deps, scope, code, input as Parameters<typeof startUploadAt>[3]));
  } catch (e) {
    if (e instanceof ApiError) return refusal(ctx, e);
    throw e;
  }
}

// ---------------------------------------------------------------- the fields

/** One file a form asks for: its label (a material of the item, or what a 补正 names). */
export interface Slot {
  label: string;
}

/** The item's materials as the files an application may carry (the form definitions have no file fields). */
export const materialSlots = (materials: readonly { name: string }[]): Slot[] => materials.map((m) => ({ label: m.name }));

/** What a 补正 asks that no field of the form answers is a document to send; if it names none, one open slot. */
export const supplementSlots = (ctx: PageContext, unanswered: readonly string[]): Slot[] =>
  unanswered.length ? unanswered.map((label) => ({ label })) : [{ label: t(ctx, L.more) }];

const slotName = (i: number) => `attachments.${i}`;
const slotId = (i: number) => `attachments-${i}`;

function parseRef(raw: string): Attachment | undefined {
  try {
    return JSON.parse(raw) as Attachment;
  } catch {
    return undefined;
  }
}

/**
 * The posted references, in slot order (empty slots left out), with the slot each came from, and a message beside a
 * slot whose value is not a reference at all.
 */
export function postedAttachments(ctx: PageContext, slots: readonly Slot[], values: Values): { refs: Attachment[]; from: number[]; errors: Errors } {
  const refs: Attachment[] = [];
  const from: number[] = [];
  const errors: Errors = new Map();
  slots.forEach((_, i) => {
    const raw = one(values, slotName(i));
    if (!raw) return;
    const ref = parseRef(raw);
    if (!ref || typeof ref !== 'object') errors.set(slotName(i), t(ctx, L.badRef));
    else {
      refs.push(ref);
      from.push(i);
    }
  });
  return { refs, from, errors };
}

/** Errors about `attachments.<n>.<field>` (the n-th posted reference) moved to the slot it came from. */
export function slotErrors(errors: Errors, from: readonly number[]): Errors {
  const out: Errors = new Map();
  for (const [k, m] of errors) {
    const at = /^attachments\.(\d+)(\.|$)/.exec(k);
    const key = at ? slotName(from[Number(at[1])] ?? 0) : k;
    if (!out.has(key)) out.set(key, m);
  }
  return out;
}

const ACCEPT = PURPOSE_RULES[PURPOSE].types.flatMap((type) => [type, `.${FILE_TYPES[type].toLowerCase()}`]).join(',');

/**
 * A file input per slot, in a fieldset the script shows (it stays hidden without JavaScript, where a note says what
 * to do instead), each with its progress bar, its status line and the hidden reference the form posts.
 */
export function attachmentFields(ctx: PageContext, code: string, slots: readonly Slot[], values: Values, errors: Errors): Html {
  if (!slots.length) return html``;
  const words = { failed: t(ctx, L.failed), done: t(ctx, L.done), uploading: t(ctx, L.uploading) };
  return html`<p class="no-script">${t(ctx, L.noScript)}</p>
<fieldset class="uploads" hidden data-upload="/units/${code}/uploads" data-text="${JSON.stringify(words)}"><legend>${t(ctx, L.heading)}</legend>
<p class="hint">${t(ctx, LEDE)}</p>
${slots.map((s, i) => {
  const id = slotId(i);
  const raw = one(values, slotName(i));
  const kept = raw ? parseRef(raw) : undefined;
  const error = errors.get(slotName(i));
  return html`<div class="field${error ? ' invalid' : ''}" id="${id}-field"><label for="${id}">${s.label}</label>
<p class="error" id="${id}-error"${error ? '' : html` hidden`}>${error ?? ''}</p>
<input type="file" id="${id}" accept="${ACCEPT}"${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
<progress id="${id}-progress" max="100" value="${kept ? 100 : 0}" aria-label="${t(ctx, L.progress)}：${s.label}"${kept ? '' : html` hidden`}></progress>
<p class="upload-status" id="${id}-status" aria-live="polite">${kept?.name ? html`${t(ctx, L.done)}${kept.name}` : ''}</p>
<input type="hidden" name="${slotName(i)}" value="${raw}"></div>`;
})}
</fieldset>`;
}

/**
 * The script: shows the upload fieldset, and on choosing a file asks for a presigned POST, sends the file to the
 * bucket with XMLHttpRequest (for its upload progress), and puts the reference in the slot's hidden field. The
 * form's send button waits while a file is on its way.
 */
export const UPLOAD_SCRIPT = `(function(){
var sets=document.querySelectorAll('fieldset[data-upload]');if(!sets.length)return;
Array.prototype.forEach.call(document.querySelectorAll('.no-script'),function(p){p.hidden=true;});
Array.prototype.forEach.call(sets,function(set){
set.hidden=false;
var text=JSON.parse(set.getAttribute('data-text')),form=set.form||set.closest('form'),busy=0;
function wait(d){busy+=d;Array.prototype.forEach.call(form.querySelectorAll('button[type=submit]'),function(b){b.disabled=busy>0;});}
Array.prototype.forEach.call(set.querySelectorAll('input[type=file]'),function(input){
var id=input.id,bar=document.getElementById(id+'-progress'),status=document.getElementById(id+'-status'),err=document.getElementById(id+'-error'),ref=set.querySelector('input[name="attachments.'+id.split('-')[1]+'"]');
function fail(msg){err.textContent=msg;err.hidden=false;input.setAttribute('aria-invalid','true');input.setAttribute('aria-describedby',id+'-error');bar.hidden=true;status.textContent='';ref.value='';}
function clear(){err.textContent='';err.hidden=true;input.removeAttribute('aria-invalid');input.removeAttribute('aria-describedby');}
input.addEventListener('change',function(){
var file=input.files&&input.files[0];ref.value='';clear();status.textContent='';bar.hidden=true;if(!file)return;
var ask=new XMLHttpRequest();
ask.open('POST',set.getAttribute('data-upload'));
ask.setRequestHeader('content-type','application/x-www-form-urlencoded');
ask.onload=function(){
var out;try{out=JSON.parse(ask.responseText);}catch(e){out=null;}
if(ask.status!==201||!out||!out.url){var f=out&&out.error&&out.error.fields;wait(-1);return fail(f&&f.length?f.map(function(x){return x.message;}).join('；'):(out&&out.error&&out.error.message)||text.failed);}
var data=new FormData();Object.keys(out.fields).forEach(function(k){data.append(k,out.fields[k]);});data.append('file',file);
var up=new XMLHttpRequest();up.open('POST',out.url);
bar.value=0;bar.hidden=false;status.textContent=text.uploading;
up.upload.onprogress=function(e){if(e.lengthComputable)bar.value=Math.floor(e.loaded*100/e.total);};
up.onload=function(){wait(-1);if(up.status<200||up.status>=300)return fail(text.failed);bar.value=100;status.textContent=text.done+file.name;ref.value=JSON.stringify({key:out.key,name:file.name,type:file.type,size:file.size});};
up.onerror=function(){wait(-1);fail(text.failed);};
up.send(data);
};
ask.onerror=function(){wait(-1);fail(text.failed);};
wait(1);
ask.send('csrf='+encodeURIComponent(form.elements.csrf.value)+'&name='+encodeURIComponent(file.name)+'&type='+encodeURIComponent(file.type)+'&size='+file.size);
});
});
});
})();
`;

export const UPLOAD_FILE = `upload.${createHash('sha256').update(UPLOAD_SCRIPT).digest('hex').slice(0, 12)}.js`;
export const UPLOAD_HREF = `/assets/${UPLOAD_FILE}`;
