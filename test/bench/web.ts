import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH } from '../browser/prepare-path';
import { startWorld, WORLD } from '../browser/world';

/**
 * The web pages: what a public page weighs (HTML, CSS, scripts, fonts; raw and gzipped), how long the server takes
 * to answer it on the local runtime, and how fast it shows on a cheap phone on a slow network, measured in Chromium
 * with 4× CPU throttling and DevTools' slow-4G profile (Lighthouse's values: 562.5 ms latency, 1.6 Mbit/s down,
 * 750 kbit/s up, each with its 0.9 factor).
 */

/** A browser's cookies for one site, from Set-Cookie answers. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      const [name, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
      if (/Max-Age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
  get header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

type Measure = <T>(route: string, what: string, call: () => Promise<T>) => Promise<T>;

/** Every web route once, as a browser would go through them, signing in on the local issuer with PKCE. */
export async function webRoutes(url: string, unit: string, measure: Measure) {
  const jar = new CookieJar();
  const get = async (path: string, expect: number) => {
    const res = jar.take(await fetch(new URL(path, url), { redirect: 'manual', headers: { cookie: jar.header } }));
    if (res.status !== expect) throw new Error(`GET ${path} answered ${res.status} (expected ${expect})`);
    return { res, text: await res.text() };
  };
  const page = await measure('GET /', 'the province (one served)', () => get('/', 200));
  await measure('GET /units/{code}', unit, () => get(`/units/${unit}`, 200));
  await measure('GET /units/{code}/sitemap.xml', unit, () => get(`/units/${unit}/sitemap.xml`, 200));
  await measure('GET /units/{code}/letters', 'published letters and answers', () => get(`/units/${unit}/letters`, 200));
  const css = /href="(\/assets\/[^"]+)"/.exec(page.text)![1]!;
  await measure('GET /assets/{file}', 'the stylesheet', () => get(css, 200));
  // The route bench's store has no service catalogue: the catalogue is empty and a guide is a 404, after the same reads.
  await measure('GET /units/{code}/services', 'life event: birth (none here)', () => get(`/units/${unit}/services?life=birth`, 200));
  await measure('GET /units/{code}/services/{definer}/{item}', 'an item not defined here', () => get(`/units/${unit}/services/330000000000/330000-SV-001`, 404));
  await measure('GET /progress', 'an unknown reference', () => get('/progress?ref=330106000000-260302-7K3D9Q&name=%E5%BC%A0%E4%B8%89', 404));
  await measure('GET /prefs', 'English', () => get(`/prefs?lang=en&back=/units/${unit}`, 303));
  const toIssuer = await measure('GET /sign-in', 'to the local issuer', () => get(`/sign-in?back=/me`, 303));
  const authorize = new URL(toIssuer.res.headers.get('location')!);
  const chosen = await fetch(authorize.origin + authorize.pathname, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `${authorize.searchParams}&account=0`,
  });
  const back = new URL(chosen.headers.get('location')!);
  await measure('GET /sign-in/callback', 'code for the ID token, session started', () => get(back.pathname + back.search, 303));
  const me = await measure('GET /me', 'signed in', () => get('/me', 200));
  const csrf = /name="csrf" value="([^"]+)"/.exec(me.text)![1]!;
  // 政务公开: the unit's list, a search, a document not there, and a request made through the form and then read.
  await measure('GET /units/{code}/documents', 'list, then words', async () => {
    await get(`/units/${unit}/documents`, 200);
    return get(`/units/${unit}/documents?q=${encodeURIComponent('财政预算')}&year=2026`, 200);
  });
  await measure('GET /documents/{publisher}/{id}', 'a document not there', () => get(`/documents/${unit}/01JAAAAAAAAAAAAAAAAAAAAAAA`, 404));
  await measure('GET /files/{kind}/{code}/{id}/{n}', 'a file of a document not there', () => get(`/files/documents/${unit}/01JAAAAAAAAAAAAAAAAAAAAAAA/0`, 404));
  const request = `/units/${unit}/documents/request`;
  await measure('GET /units/{code}/documents/request', 'the form, signed in', () => get(request, 200));
  const sent = await measure('POST /units/{code}/documents/request', 'a request sent', async () => {
    const res = jar.take(
      await fetch(new URL(request, url), {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, title: '2025年度财政预算执行情况', description: '用于了解本地财政情况' }).toString(),
      }),
    );
    if (res.status !== 303) throw new Error(`POST ${request} answered ${res.status}`);
    return res.headers.get('location')!;
  });
  await measure('GET /me/disclosure/{code}/{id}', 'the confirmation', () => get(sent, 200));
  // Nor the apply pages: their 404, after the same reads.
  const apply = `/units/${unit}/services/330000000000/330000-SV-001/apply`;
  await measure('GET /units/{code}/services/{definer}/{item}/apply', 'an item not offered here', () => get(apply, 404));
  await measure('POST /units/{code}/services/{definer}/{item}/apply', 'an item not offered here', async () => {
    const res = jar.take(
      await fetch(new URL(apply, url), {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
        body: `csrf=${encodeURIComponent(csrf)}`,
      }),
    );
    if (res.status !== 404) throw new Error(`POST ${apply} answered ${res.status}`);
  });
  await measure('GET /me/applications/{code}/{id}', 'no such application', () => get(`/me/applications/${unit}/01JAAAAAAAAAAAAAAAAAAAAAAA`, 404));
  // The case's forms: a 补正 and a rating of an application that is not there, after the same reads.
  for (const form of ['supplement', 'rating']) {
    const path = `/me/applications/${unit}/01JAAAAAAAAAAAAAAAAAAAAAAA/${form}`;
    await measure(`POST /me/applications/{code}/{id}/${form}`, 'no such application', async () => {
      const res = jar.take(
        await fetch(new URL(path, url), {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
          body: `csrf=${encodeURIComponent(csrf)}`,
        }),
      );
      if (res.status !== 404) throw new Error(`POST ${path} answered ${res.status}`);
    });
  }
  // A complaint written at the unit, its page, and a rating the domain refuses until the follow-up call.
  const post = async (path: string, body: string, expect: number) => {
    const res = jar.take(
      await fetch(new URL(path, url), {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
        body: `csrf=${encodeURIComponent(csrf)}&${body}`,
      }),
    );
    if (res.status !== expect) throw new Error(`POST ${path} answered ${res.status} (expected ${expect})`);
    return res;
  };
  await measure('GET /units/{code}/tickets/new', 'the form, signed in', () => get(`/units/${unit}/tickets/new`, 200));
  const filed = await measure('POST /units/{code}/tickets/new', 'a complaint filed', () =>
    post(`/units/${unit}/tickets/new`, new URLSearchParams({ type: '投诉', category: '噪声扰民', text: '夜间施工噪声扰民。', address: '文三路' }).toString(), 303),
  );
  const ticket = filed.headers.get('location')!.split('?')[0]!;
  await measure('GET /me/tickets/{code}/{id}', 'just filed', () => get(ticket, 200));
  await measure('POST /me/tickets/{code}/{id}/rating', 'refused: not yet followed up', () => post(`${ticket}/rating`, 'level=5', 422));
  // A file to attach: the presigned POST the page's script asks for (nothing is written until the browser sends it).
  await measure('POST /units/{code}/uploads', 'a presigned POST for a scan', async () => {
    const res = jar.take(
      await fetch(new URL(`/units/${unit}/uploads`, url), {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, name: '身份证.pdf', type: 'application/pdf', size: '20480' }).toString(),
      }),
    );
    if (res.status !== 201) throw new Error(`POST /units/${unit}/uploads answered ${res.status}: ${await res.text()}`);
  });
  await measure('POST /sign-out', 'session ended', async () => {
    const res = jar.take(
      await fetch(new URL('/sign-out', url), {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
        body: `csrf=${encodeURIComponent(csrf)}`,
      }),
    );
    if (res.status !== 303) throw new Error(`POST /sign-out answered ${res.status}`);
  });
}

export interface PageWeight {
  page: string;
  path: string;
  htmlBytes: number;
  htmlGzip: number;
  cssBytes: number;
  cssGzip: number;
  jsBytes: number;
  fontBytes: number;
  totalGzip: number;
  renderMedianMs: number;
  renderP99Ms: number;
}

export interface PaintFigures {
  page: string;
  lcpMs: number;
  tbtMs: number;
  transferredBytes: number;
}

export interface WebFigures {
  weights: PageWeight[];
  paints: PaintFigures[];
  renders: number;
}

const PAGES: [string, string][] = [
  ['province home (/)', '/'],
  ['county home', `/units/${WORLD.county}`],
  ['village home (in the county site)', `/units/${WORLD.village}`],
  ['services for a new baby (village)', `/units/${WORLD.village}/services?life=birth`],
  ['service guide (village)', `/units/${WORLD.village}/services/${WORLD.province}/330000-SV-001`],
  ['documents search (village)', `/units/${WORLD.village}/documents?q=${encodeURIComponent('财政预算')}`],
  ['404', '/units/330199000000'],
];
const RENDERS = Number(process.env.BENCH_WEB_RENDERS ?? 100);
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const round = (ms: number) => Math.round(ms * 10) / 10;

export async function webFigures(log: (line: string) => void): Promise<WebFigures> {
  const world = await startWorld();
  try {
    const weights: PageWeight[] = [];
    for (const [page, path] of PAGES) {
      const first = await fetch(new URL(path, world.url));
      const html = await first.text();
      const css = await Promise.all([...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map(async (m) => (await fetch(new URL(m[1]!, world.url))).text()));
      const js = await Promise.all([...html.matchAll(/<script src="([^"]+)"/g)].map(async (m) => (await fetch(new URL(m[1]!, world.url))).text()));
      const times: number[] = [];
      for (let i = 0; i < RENDERS; i++) {
        const t0 = performance.now();
        await (await fetch(new URL(path, world.url))).text();
        times.push(performance.now() - t0);
      }
      const gz = (s: string) => gzipSync(s).length;
      const cssText = css.join('');
      const jsText = js.join('');
      weights.push({
        page,
        path,
        htmlBytes: Buffer.byteLength(html),
        htmlGzip: gz(html),
        cssBytes: Buffer.byteLength(cssText),
        cssGzip: cssText ? gz(cssText) : 0,
        jsBytes: Buffer.byteLength(jsText),
        // The pages name system fonts only: nothing to download.
        fontBytes: 0,
        totalGzip: gz(html) + (cssText ? gz(cssText) : 0) + (jsText ? gz(jsText) : 0),
        renderMedianMs: round(quantile(times, 0.5)),
        renderP99Ms: round(quantile(times, 0.99)),
      });
      log(`web: ${page} weighed and rendered ${RENDERS} times`);
    }
    const paints = await paintFigures(world.url, [
      ['unit home (西湖区)', `/units/${WORLD.county}`],
      ['service guide', `/units/${WORLD.village}/services/${WORLD.province}/330000-SV-001`],
    ]);
    return { weights, paints, renders: RENDERS };
  } finally {
    await world.stop();
  }
}

/** Observers registered before the page's own code: LCP candidates and long tasks, read back after load. */
const OBSERVE = `
  window.__lcp = 0; window.__long = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lcp = e.startTime; }).observe({ type: 'largest-contentful-paint', buffered: true });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); }).observe({ type: 'longtask', buffered: true });
`;

async function paintFigures(url: string, pages: [string, string][]): Promise<PaintFigures[]> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
  const out: PaintFigures[] = [];
  try {
    for (const [name, path] of pages) {
      const runs: PaintFigures[] = [];
      // Cold each time (a new context has an empty cache): the median of three.
      for (let i = 0; i < 3; i++) {
        const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, baseURL: url });
        const page = await context.newPage();
        await page.addInitScript(OBSERVE);
        const cdp = await context.newCDPSession(page);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', {
          offline: false,
          latency: 562.5,
          downloadThroughput: (1.6 * 1024 * 1024 * 0.9) / 8,
          uploadThroughput: (750 * 1024 * 0.9) / 8,
        });
        let transferred = 0;
        cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => (transferred += e.encodedDataLength));
        await page.goto(path, { waitUntil: 'load' });
        // LCP is final once the page is loaded and idle; a moment for the observers to report.
        await page.waitForTimeout(500);
        const { lcp, long } = await page.evaluate<{ lcp: number; long: number[] }>('({ lcp: window.__lcp, long: window.__long })');
        runs.push({ page: name, lcpMs: Math.round(lcp), tbtMs: Math.round(long.reduce((s, d) => s + Math.max(0, d - 50), 0)), transferredBytes: transferred });
        await context.close();
      }
      runs.sort((a, b) => a.lcpMs - b.lcpMs);
      out.push(runs[1]!);
    }
  } finally {
    await browser.close();
  }
  return out;
}
