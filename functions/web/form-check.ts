import { createHash } from 'node:crypto';
import { MOBILE_PATTERN, textBounds, type Field } from '../services/forms';
import { fieldId, type Errors, type Values } from './form-fields';

/**
 * Checking a form in the page before it is sent, with the API's own messages. The rules travel with the form as JSON
 * (`data-rules`): for each field its kind, its bounds, and the message for each way an answer can be wrong. Those
 * messages are not written here: each is what the page's own server-side check (the very code that refuses a post)
 * says about a sample answer that is wrong in that way, so the page and the API cannot drift apart. The script only
 * decides which way an answer is wrong, and it is stricter never: whatever it refuses, the server refuses too (it
 * leaves some checks, such as the region and birth date in a resident ID, to the server).
 */

export type Kind = 'text' | 'number' | 'date' | 'mobile' | 'residentId' | 'creditCode' | 'pick';
/** The ways an answer can be wrong, each with the sample answer that is wrong in that way. */
export type Probe = 'empty' | 'blank' | 'short' | 'long' | 'nan' | 'low' | 'high' | 'bad';

export interface ClientRule {
  name: string;
  id: string;
  kind: Kind;
  min?: number;
  max?: number;
  pattern?: string;
  m: Partial<Record<Probe, string>>;
}

/** A field the page asks, described as a form definition does (the applicant's own fields too). */
export interface Asked {
  name: string;
  field: Pick<Field, 'type' | 'min' | 'max'>;
  /** Whether the type's bounds apply: an item's text fields have them, a field the API bounds itself need not. */
  bounded?: boolean;
}

const KINDS: Record<Field['type'], Kind | undefined> = {
  text: 'text',
  longText: 'text',
  numeric: 'number',
  date: 'date',
  choice: 'pick',
  choices: 'pick',
  boolean: undefined,
  residentId: 'residentId',
  creditCode: 'creditCode',
  mobile: 'mobile',
};

function samples(kind: Kind, min: number | undefined, max: number | undefined): [Probe, string | undefined][] {
  const out: [Probe, string | undefined][] = [['empty', kind === 'pick' ? undefined : '']];
  if (kind === 'text') {
    out.push(['blank', ' ']);
    if (min !== undefined && min > 1) out.push(['short', 'a'.repeat(min - 1)]);
    if (max !== undefined) out.push(['long', 'a'.repeat(max + 1)]);
  }
  if (kind === 'number') {
    out.push(['nan', 'x']);
    if (min !== undefined) out.push(['low', String(min - 1)]);
    if (max !== undefined) out.push(['high', String(max + 1)]);
  }
  if (kind === 'date' || kind === 'mobile' || kind === 'residentId' || kind === 'creditCode') out.push(['bad', 'x']);
  return out;
}

/**
 * The rules of `asked`, with each message taken from `check` (the form's server-side check, given the posted
 * values, answering the errors by field name) run on a sample answer.
 */
export function clientRules(asked: Asked[], check: (values: Values) => Errors): ClientRule[] {
  return asked.flatMap(({ name, field, bounded }) => {
    const kind = KINDS[field.type];
    if (!kind) return [];
    const bounds = kind === 'text' && bounded ? textBounds(field) : kind === 'number' ? { min: field.min, max: field.max } : {};
    const m: ClientRule['m'] = {};
    for (const [probe, value] of samples(kind, bounds.min, bounds.max)) {
      const message = check(value === undefined ? {} : { [name]: value }).get(name);
      if (message) m[probe] = message;
    }
    return [{ name, id: fieldId(name), kind, ...bounds, ...(kind === 'mobile' ? { pattern: MOBILE_PATTERN.source } : {}), m }];
  });
}

/**
 * The script: on submit, each rule's field is checked; a wrong answer shows its message beside the field and in a
 * summary above the form (the same markup the server gives), and the form is not sent. `problem` is the rule
 * evaluation alone, so that it can be tested without a page.
 */
export const CHECK_SCRIPT = `(function(){
function problem(r,v){
if(r.kind==='pick')return v.length?'':'empty';
if(v==='')return 'empty';
var s=v.trim();
switch(r.kind){
case 'text':if(s==='')return 'blank';if(r.min!==undefined&&s.length<r.min)return 'short';if(r.max!==undefined&&s.length>r.max)return 'long';return '';
case 'number':var n=Number(v);if(!isFinite(n))return 'nan';if(r.min!==undefined&&n<r.min)return 'low';if(r.max!==undefined&&n>r.max)return 'high';return '';
case 'date':var d=/^\\d{4}-\\d{2}-\\d{2}$/.test(v)?new Date(v+'T00:00:00Z'):null;return d&&!isNaN(d)&&d.toISOString().slice(0,10)===v?'':'bad';
case 'mobile':return new RegExp(r.pattern).test(v)?'':'bad';
case 'residentId':var id=s.toUpperCase();if(!/^\\d{17}[\\dX]$/.test(id))return 'bad';var w=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2],sum=0;for(var i=0;i<17;i++)sum+=Number(id[i])*w[i];return '10X98765432'[sum%11]===id[17]?'':'bad';
case 'creditCode':return /^[0-9A-HJ-NPQRTUWXY]{18}$/.test(s.toUpperCase())?'':'bad';
}
return '';
}
function message(r,v){var k=problem(r,v);return (k&&r.m[k])||'';}
if(typeof document==='undefined'){this.message=message;return;}
function show(r,msg){
var box=document.getElementById(r.id+'-field'),p=document.getElementById(r.id+'-error');if(!box||!p)return;
var control=box.querySelector('fieldset')||document.getElementById(r.id),hint=document.getElementById(r.id+'-hint');
p.textContent=msg;p.hidden=!msg;box.classList.toggle('invalid',!!msg);
if(!control)return;
var by=[hint?r.id+'-hint':'',msg?r.id+'-error':''].filter(Boolean).join(' ');
if(by)control.setAttribute('aria-describedby',by);else control.removeAttribute('aria-describedby');
if(msg)control.setAttribute('aria-invalid','true');else control.removeAttribute('aria-invalid');
}
document.addEventListener('submit',function(e){
var form=e.target,spec=form.getAttribute&&form.getAttribute('data-rules');if(!spec)return;
var found=[];
JSON.parse(spec).forEach(function(r){
var els=form.querySelectorAll('[name="'+r.name+'"]');
var v=r.kind==='pick'?Array.prototype.filter.call(els,function(x){return x.checked;}):(els[0]?els[0].value:'');
var msg=message(r,v);show(r,msg);if(msg)found.push([r,msg]);
});
var old=document.querySelector('.errors');if(old)old.parentNode.removeChild(old);
if(!found.length)return;
e.preventDefault();
var box=document.createElement('div');box.className='errors';box.setAttribute('role','alert');box.tabIndex=-1;
var h=document.createElement('h2');h.textContent=form.getAttribute('data-summary');box.appendChild(h);
var ul=document.createElement('ul');
found.forEach(function(f){var li=document.createElement('li'),a=document.createElement('a');a.href='#'+f[0].id;a.textContent=f[1];li.appendChild(a);ul.appendChild(li);});
box.appendChild(ul);form.parentNode.insertBefore(box,form);box.focus();
});
}).call(this);
`;

/** The script's address carries its hash, so that it can be cached for a year and changes all the same. */
export const CHECK_FILE = `check.${createHash('sha256').update(CHECK_SCRIPT).digest('hex').slice(0, 12)}.js`;
export const CHECK_HREF = `/assets/${CHECK_FILE}`;
