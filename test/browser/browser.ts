import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';

/** Widths the pages must work at: the narrowest phone WCAG names (320 px), a common phone, a desktop. */
export const VIEWPORTS = {
  narrow: { width: 320, height: 640 },
  phone: { width: 360, height: 740 },
  desktop: { width: 1280, height: 900 },
} as const;

/**
 * The browser for a test file: connects to the run's Chromium (test/browser/global-browser.ts) and gives each test
 * a new context (its own cookies), with the page helper below. The staff workbench's tests use the same.
 */
export function useBrowser() {
  const { url, wsEndpoint } = inject('browserWorld');
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await chromium.connect(wsEndpoint);
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
  });
  return {
    url,
    /** A fresh browser profile at a viewport; the page it opens, already at `path` if given. */
    async open(path?: string, viewport: { width: number; height: number } = VIEWPORTS.desktop, o: { javaScript?: boolean } = {}): Promise<Page> {
      // axe-core's Playwright adapter needs a page from a context of its own (it refuses browser.newPage()).
      const javaScriptEnabled = o.javaScript ?? true;
      const context = await browser.newContext({ viewport, baseURL: url, locale: 'zh-CN', javaScriptEnabled });
      contexts.push(context);
      const page = await context.newPage();
      // axe runs in the page: without JavaScript only the status is checked.
      if (path) await (javaScriptEnabled ? visit(page, path) : page.goto(path));
      return page;
    },
  };
}

/** Goes to `path` and checks what every page must be: an answer below 500, and accessible. */
export async function visit(page: Page, path: string, status = 200) {
  const res = await page.goto(path);
  expect(res?.status(), path).toBe(status);
  await expectAccessible(page);
}

/** axe-core on the page as it is now: no serious or critical violation of WCAG 2.1 A/AA (or best practice). */
export async function expectAccessible(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    page.url(),
  ).toEqual([]);
}

/** Signs in through the identity provider's page (locally: the issuer's account chooser), choosing `label`. */
export async function signIn(page: Page, label: RegExp | string) {
  await page.getByRole('link', { name: /登录|Sign in/ }).first().click();
  await page.getByRole('button', { name: label }).click();
  await page.waitForLoadState();
}

/** Content wider than the viewport means the reader has to scroll sideways (WCAG 1.4.10 Reflow). */
export async function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth');
}

export interface Who {
  sub: string;
  role: string;
  unit: string;
  dept?: string;
}

/**
 * The API as a person of the platform, with a token from the local issuer (`undefined`: anonymous), JSON in and
 * out: how the journeys seed what staff or residents do outside the page under test.
 */
export const apiAs =
  (url: string) =>
  async (who: Who | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> => {
    const auth: Record<string, string> = {};
    if (who) {
      const t = await fetch(`${url}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
      auth.authorization = `Bearer ${((await t.json()) as { token: string }).token}`;
    }
    const res = await fetch(`${url}${path}`, { method, headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, json: (await res.json()) as any };
  };

/**
 * A staff account in a department, as the demo makes it through the API (another file of the run may have made it
 * already): the department is found or made, then the account.
 */
export async function staffAccount(api: ReturnType<typeof apiAs>, by: Who, unit: string, dept: string, account: { sub: string; name: string }) {
  const depts = await api(by, 'GET', `/v1/units/${unit}/departments`);
  const deptId = depts.json.items.find((d: { name: string }) => d.name === dept)?.id ?? (await api(by, 'POST', `/v1/units/${unit}/departments`, { name: dept })).json.id;
  const r = await api(by, 'POST', `/v1/units/${unit}/staff`, { ...account, role: 'staff', deptId });
  expect([201, 409], JSON.stringify(r.json)).toContain(r.status);
}

/** A fresh browser at the workbench, signed in as the demo account `label` through the local issuer's chooser. */
export async function staffAt(b: ReturnType<typeof useBrowser>, label: string, viewport: { width: number; height: number } = VIEWPORTS.desktop): Promise<Page> {
  const page = await b.open(undefined, viewport);
  expect((await page.goto('/work'))?.status()).toBe(401);
  await signIn(page, label);
  await expect.poll(() => page.locator('h1').textContent()).toBe('待办');
  await expectAccessible(page);
  return page;
}
