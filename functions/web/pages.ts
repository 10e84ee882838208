import { isUnitCode } from '../../shared/codes';
import { ApiError } from '../../shared/errors';
import { LEVEL_NAMES } from '../../shared/levels';
import type { Text } from '../../shared/i18n';
import type { Reply } from '../../shared/http/context';
import { logger } from '../../shared/log';
import { listChildren } from '../../tenants/units';
import type { Unit } from '../../tenants/unit';
import { provinces } from '../tiers/provinces';
import { html, type Html } from './html';
import { layout, type Crumb } from './layout';
import { htmlReply, t, type PageContext } from './page';
import { unitView, type UnitView } from './site';
import { searchForm, servicesBlock } from './services';
import { documentsBlock, documentsFeedLink } from './documents';
import { interactionBlock } from './tickets';

const CHILDREN_PAGE = 200;

const L = {
  home: { zh: '首页', en: 'Home' },
  provinces: { zh: '请选择所在省份', en: 'Choose your province' },
  provincesLede: {
    zh: '本平台由省、市、县、乡、村五级共用。选择省份后可逐级找到您所在的市县、乡镇（街道）和村（社区）。',
    en: 'One platform serves every tier: province, city, county, township and village. Choose a province, then find your own area level by level.',
  },
  contact: { zh: '联系方式', en: 'Contact' },
  contactFrom: { zh: '以上为{unit}的联系方式。', en: 'These are the contact details of {unit}.' },
  noContact: { zh: '暂未公布联系方式。', en: 'No contact details published yet.' },
  children: { zh: '下级单位', en: 'Units below' },
  more: { zh: '更多下级单位', en: 'More units' },
  inSite: { zh: '本页面属于{site}网站（乡镇、村不单独建站）。', en: 'This page is part of the site of {site} (townships and villages have no sites of their own).' },
  sitemap: { zh: '网站地图', en: 'Sitemap' },
  level: { zh: '层级', en: 'Tier' },
  code: { zh: '区划代码', en: 'Division code' },
  phone: { zh: '电话', en: 'Phone' },
  address: { zh: '地址', en: 'Address' },
  email: { zh: '电子邮箱', en: 'E-mail' },
  hours: { zh: '办公时间', en: 'Opening hours' },
  signInFirst: { zh: '请先登录', en: 'Please sign in' },
  signInFirstBody: { zh: '登录后即可继续，登录后会回到本页。', en: 'Sign in to go on; you will come back to this page.' },
  signInButton: { zh: '登录', en: 'Sign in' },
  notFound: { zh: '找不到这个页面', en: 'Page not found' },
  notFoundBody: {
    zh: '您要找的页面不存在，可能是地址有误，或者该单位已调整。',
    en: 'There is no page at this address. It may have been mistyped, or the unit may have changed.',
  },
  toHome: { zh: '返回首页', en: 'Go to the home page' },
  error: { zh: '出错了', en: 'Something went wrong' },
  errorBody: { zh: '请稍后再试。如果一直出现，请拨打 12345 热线。', en: 'Please try again later. If it keeps happening, call the 12345 hotline.' },
  suspended: { zh: '该单位暂停服务。', en: 'This unit is suspended.' },
} satisfies Record<string, Text>;

/** The parts of a unit's name and tier, in the reader's language. */
const levelName = (ctx: PageContext, u: Unit) => t(ctx, LEVEL_NAMES[u.level]);

export const crumbsOf = (ctx: PageContext, v: UnitView, last?: Crumb): Crumb[] => [
  { href: '/', label: t(ctx, L.home) },
  ...[...v.ancestors, v.unit].map((u) => ({ href: `/units/${u.code}`, label: u.name })),
  ...(last ? [last] : []),
];

/** `/`: a deployment serving one province (the usual case) shows that province's home; else the list to choose from. */
export async function homePage(ctx: PageContext): Promise<Reply> {
  const list = await provinces(ctx.deps);
  if (list.length === 1) return unitPage(ctx, list[0]!.code, undefined);
  const body = html`<h1>${t(ctx, L.provinces)}</h1>
<p class="lede">${t(ctx, L.provincesLede)}</p>
<ul class="units big">${list.map((u) => html`<li><a href="/units/${u.code}">${u.name}</a></li>`)}</ul>`;
  return htmlReply(200, layout(ctx, { title: t(ctx, L.home), body }));
}

function contactBlock(ctx: PageContext, v: UnitView): Html {
  const c = v.contact;
  const rows: [Text, string | undefined][] = [
    [L.phone, c.phone],
    [L.address, c.address],
    [L.email, c.email],
    [L.hours, c.hours],
  ];
  const shown = rows.filter(([, value]) => value);
  return shown.length
    ? html`<dl class="facts">${shown.map(([k, value]) => html`<dt>${t(ctx, k)}</dt><dd>${value}</dd>`)}</dl>`
    : html`<p>${t(ctx, L.noContact)}</p>`;
}

export async function unitPage(ctx: PageContext, code: string, cursor: string | undefined): Promise<Reply> {
  const v = isUnitCode(code) ? await unitView(ctx.deps.store, code) : undefined;
  if (!v) return notFoundPage(ctx);
  let children;
  try {
    children = await listChildren(ctx.deps.store, code, CHILDREN_PAGE, cursor);
  } catch (e) {
    if (e instanceof ApiError && e.status === 400) return notFoundPage(ctx);
    throw e;
  }
  const { unit, site } = v;
  const body = html`<h1>${unit.name}</h1>
${site.host.code !== unit.code ? html`<p class="panel">${t(ctx, L.inSite).replace('{site}', site.name)}</p>` : ''}
${unit.status === 'suspended' ? html`<p class="panel">${t(ctx, L.suspended)}</p>` : ''}
<dl class="facts"><dt>${t(ctx, L.level)}</dt><dd>${levelName(ctx, unit)}</dd><dt>${t(ctx, L.code)}</dt><dd>${unit.code}</dd></dl>
${servicesBlock(ctx, code)}
${await documentsBlock(ctx, code)}
${await interactionBlock(ctx, v)}
<section aria-labelledby="contact"><h2 id="contact">${t(ctx, L.contact)}</h2>${contactBlock(ctx, v)}
${v.contactFrom ? html`<p class="lede">${t(ctx, L.contactFrom).replace('{unit}', v.contactFrom.name)}</p>` : ''}</section>
${
  children.items.length
    ? html`<section aria-labelledby="children"><h2 id="children">${t(ctx, L.children)}</h2>
<ul class="units">${children.items.map((c) => html`<li><a href="/units/${c.code}">${c.name}</a></li>`)}</ul>
${children.cursor ? html`<p class="pager"><a href="/units/${code}?cursor=${encodeURIComponent(children.cursor)}">${t(ctx, L.more)}</a></p>` : ''}</section>`
    : ''
}
<p class="noprint"><a href="/units/${code}/sitemap.xml">${t(ctx, L.sitemap)}</a></p>`;
  return htmlReply(
    200,
    layout(ctx, {
      title: unit.name,
      body,
      site,
      crumbs: crumbsOf(ctx, v),
      canonical: `${ctx.origin}/units/${code}`,
      description: `${unit.name} · ${site.name}`,
      alternates: [{ href: `/units/${code}/sitemap.xml`, type: 'application/xml', title: t(ctx, L.sitemap) }, documentsFeedLink(ctx, v)],
    }),
  );
}

/** A unit's sitemap: its page and its children's; the capabilities' pages join it as they come. */
export async function sitemap(ctx: PageContext, code: string): Promise<Reply> {
  const v = isUnitCode(code) ? await unitView(ctx.deps.store, code) : undefined;
  if (!v) return notFoundPage(ctx);
  const urls = [`/units/${code}`, `/units/${code}/services`];
  let cursor: string | undefined;
  // A sitemap holds at most 50,000 addresses; a unit has a few hundred children at most.
  do {
    const page = await listChildren(ctx.deps.store, code, 1000, cursor);
    urls.push(...page.items.map((c) => `/units/${c.code}`));
    cursor = page.cursor;
  } while (cursor && urls.length < 50_000);
  const xml = html`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.map((u) => html`<url><loc>${ctx.origin}${u}</loc></url>
`)}</urlset>
`;
  return { status: 200, body: xml.text, type: 'application/xml; charset=utf-8', headers: { 'cache-control': 'public, max-age=3600' } };
}

/** A page for signed-in people, asked for without a session: a 401 page whose sign-in comes back to it. */
export function signInFirst(ctx: PageContext, back: string): Reply {
  const body = html`<h1>${t(ctx, L.signInFirst)}</h1><p>${t(ctx, L.signInFirstBody)}</p>
<p><a class="button" href="/sign-in?back=${encodeURIComponent(back)}">${t(ctx, L.signInButton)}</a></p>`;
  return htmlReply(401, layout(ctx, { title: t(ctx, L.signInFirst), body }));
}

/** The unit named at the start of a path (`/units/{code}/...`), if the path names one. */
const unitInPath = (path: string) => {
  const code = /^\/units\/([^/]+)/.exec(path)?.[1];
  return code && isUnitCode(code) ? code : undefined;
};

/**
 * Where a 404 page offers to search: the unit the address names if it exists, else the deployment's province when
 * it serves one (as its home page does).
 */
export async function searchUnit(ctx: PageContext): Promise<string | undefined> {
  const code = unitInPath(ctx.event.rawPath);
  if (code && (await unitView(ctx.deps.store, code))) return code;
  const list = await provinces(ctx.deps);
  return list.length === 1 ? list[0]!.code : undefined;
}

/**
 * A page that is not there: the way home, and a search of the services (at `searchAt`, else at the province of the
 * unit the address names).
 */
export function notFoundPage(ctx: PageContext, searchAt?: string): Reply {
  const named = unitInPath(ctx.event.rawPath);
  const at = searchAt ?? (named ? `${named.slice(0, 2)}0000000000` : undefined);
  const body = html`<h1>${t(ctx, L.notFound)}</h1><p>${t(ctx, L.notFoundBody)}</p>
${at ? searchForm(ctx, at, '') : ''}
<p><a href="/">${t(ctx, L.toHome)}</a></p>`;
  return htmlReply(404, layout(ctx, { title: t(ctx, L.notFound), body }));
}

/** Whatever went wrong, the reader gets a page, never JSON: a refusal its own status, anything else a logged 500. */
export function errorPage(ctx: PageContext, e: unknown): Reply {
  if (e instanceof ApiError && e.status === 404) return notFoundPage(ctx);
  const known = e instanceof ApiError && e.status < 500;
  if (!known) logger.error('page failed', { route: ctx.event.routeKey, error: e as Error });
  const status = known ? e.status : 500;
  const detail = known ? e.body(ctx.lang).error : { message: t(ctx, L.errorBody), fields: [] };
  const body = html`<h1>${t(ctx, L.error)}</h1><p>${detail.message}</p>
${detail.fields.length ? html`<ul>${detail.fields.map((f) => html`<li>${f.path}: ${f.message}</li>`)}</ul>` : ''}
<p><a href="/">${t(ctx, L.toHome)}</a></p>`;
  return htmlReply(status, layout(ctx, { title: t(ctx, L.error), body }));
}
