import type { Text } from '../../shared/i18n';
import { html, raw, type Html } from './html';
import { t, type PageContext } from './page';
import type { SiteInfo } from './site';
import { PRINT_STYLES_FILE, STYLES } from './styles';

export interface Crumb {
  href: string;
  label: string;
}

export interface PageInput {
  title: string;
  body: Html;
  /** The site the page belongs to (its footer); absent on pages of the whole platform (the province list). */
  site?: SiteInfo;
  crumbs?: Crumb[];
  /** The page's one address, absolute; defaults to its path without the query. */
  canonical?: string;
  description?: string;
  /** `<link rel=alternate>` feeds and sitemaps the page points to. */
  alternates?: { href: string; type: string; title: string }[];
  /** Scripts of this origin the page needs (none for a public page). */
  scripts?: string[];
  /** Stylesheets of this origin beside the site's own (the staff workbench's). */
  styles?: string[];
}

const L = {
  skip: { zh: '跳到正文', en: 'Skip to main content' },
  platform: { zh: '政务服务平台', en: 'Government services' },
  english: { zh: 'English', en: '中文' },
  elderOn: { zh: '长者模式', en: 'Larger text' },
  elderOff: { zh: '标准模式', en: 'Standard view' },
  signIn: { zh: '登录', en: 'Sign in' },
  signOut: { zh: '退出', en: 'Sign out' },
  mine: { zh: '我的', en: 'My account' },
  where: { zh: '当前位置', en: 'You are here' },
  tools: { zh: '网站工具', en: 'Site tools' },
  sponsor: { zh: '主办单位', en: 'Run by' },
  phone: { zh: '联系电话', en: 'Phone' },
  address: { zh: '地址', en: 'Address' },
  email: { zh: '电子邮箱', en: 'E-mail' },
  siteCode: { zh: '网站标识码', en: 'Site code' },
  mark: { zh: '党政机关', en: 'Party & government site' },
} satisfies Record<string, Text>;

const prefLink = (ctx: PageContext, q: string) => `/prefs?${q}&back=${encodeURIComponent(ctx.here)}`;

/** The page around every body: header with the language and 适老化 switches and sign-in, breadcrumbs, the 指引 footer. */
export function layout(ctx: PageContext, p: PageInput): string {
  const site = p.site;
  const siteName = site ? site.name : t(ctx, L.platform);
  const canonical = p.canonical ?? `${ctx.origin}${ctx.event.rawPath}`;
  const session = ctx.signedIn;
  const doc = html`<!doctype html>
<html lang="${ctx.lang}"${ctx.elder ? raw(' class="elder"') : ''}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${p.title} - ${siteName}</title>
${p.description ? html`<meta name="description" content="${p.description}">` : ''}
<link rel="canonical" href="${canonical}">
<style>${raw(STYLES)}</style>
<link rel="stylesheet" href="/assets/${PRINT_STYLES_FILE}" media="print">
${(p.styles ?? []).map((s) => html`<link rel="stylesheet" href="${s}">`)}
${(p.alternates ?? []).map((a) => html`<link rel="alternate" type="${a.type}" title="${a.title}" href="${a.href}">`)}
${(p.scripts ?? []).map((s) => html`<script src="${s}" defer></script>`)}
</head>
<body>
<a class="skip" href="#main">${t(ctx, L.skip)}</a>
<header class="top"><div class="wrap">
<a class="site" href="${site ? `/units/${site.host.code}` : '/'}">${siteName}</a>
<ul class="tools" aria-label="${t(ctx, L.tools)}">
<li><a href="${prefLink(ctx, `lang=${ctx.lang === 'en' ? 'zh' : 'en'}`)}" lang="${ctx.lang === 'en' ? 'zh-CN' : 'en'}">${t(ctx, L.english)}</a></li>
<li><a href="${prefLink(ctx, `mode=${ctx.elder ? 'standard' : 'elder'}`)}">${t(ctx, ctx.elder ? L.elderOff : L.elderOn)}</a></li>
${
  session
    ? html`<li><a href="/me">${t(ctx, L.mine)}</a></li>
<li><form method="post" action="/sign-out"><input type="hidden" name="csrf" value="${session.session.csrf}"><button type="submit">${t(ctx, L.signOut)}</button></form></li>`
    : html`<li><a href="/sign-in?back=${encodeURIComponent(ctx.here)}">${t(ctx, L.signIn)}</a></li>`
}
</ul>
</div></header>
<div class="wrap grow">
${
  p.crumbs?.length
    ? html`<nav class="crumbs" aria-label="${t(ctx, L.where)}"><ol>${p.crumbs.map((c, i) =>
        i === p.crumbs!.length - 1 ? html`<li aria-current="page">${c.label}</li>` : html`<li><a href="${c.href}">${c.label}</a></li>`,
      )}</ol></nav>`
    : ''
}
<main id="main">
${ctx.notice ? html`<p class="panel" role="status">${t(ctx, ctx.notice)}</p>` : ''}
${p.body}
</main>
</div>
${site ? footer(ctx, site) : ''}
</body>
</html>`;
  return doc.text;
}

function footer(ctx: PageContext, site: SiteInfo): Html {
  const c = site.contact;
  return html`<footer><div class="wrap">
<p>${t(ctx, L.sponsor)}：${site.sponsor}</p>
${c.phone || c.address || c.email ? html`<p>${c.phone ? html`${t(ctx, L.phone)}：${c.phone} ` : ''}${c.address ? html`${t(ctx, L.address)}：${c.address} ` : ''}${c.email ? html`${t(ctx, L.email)}：<a href="mailto:${c.email}">${c.email}</a>` : ''}</p>` : ''}
<p>${site.siteCode ? html`${t(ctx, L.siteCode)}：${site.siteCode} ` : ''}${site.icp ? html`<a href="https://beian.miit.gov.cn/">${site.icp}</a> ` : ''}${site.psb ? html`<a href="https://beian.mps.gov.cn/">${site.psb}</a>` : ''}</p>
${site.markUrl ? html`<p><a class="mark" href="${site.markUrl}">${t(ctx, L.mark)}</a></p>` : ''}
</div></footer>`;
}
