import type { Text } from '../../shared/i18n';
import { header, type Reply } from '../../shared/http/context';
import type { Key } from '../../shared/store/store';
import * as z from '../../shared/zod';
import { redirect, type PageContext } from './page';
import { seal, unseal } from './sealed';
import { cookie, cookiesOf, hashOf, hostCookieName, newSecret } from './session';

/**
 * A form posted after its session ended (expired, or signed out in another tab) is not lost. `keepForm` keeps the
 * posted answers server-side for a short while, sealed under a random id that only the reader's browser holds (a
 * cookie), and sends the reader to sign in; sign-in comes back to the same page, where `resumeForm` gives the
 * answers back, once, with a note saying why the form is filled in. Any form page uses the pair:
 *
 *   if (!ctx.signedIn) return posted ? keepForm(ctx, posted) : signInFirst(ctx, path);
 *   const values = posted ?? (await resumeForm(ctx)) ?? {};
 *
 * Kept: the text fields of the form. Not kept: the CSRF token (the new session has its own) and files (the upload
 * is sent again). A post from another site is not kept, so no page elsewhere can fill in a form here for the reader.
 */

export type FormValues = Record<string, string | string[]>;

/** Long enough to sign in, short enough that answers typed on a shared computer do not wait for the next person. */
export const KEPT_SECONDS = 30 * 60;
/** Answers beyond this are not kept (a form of this site is a few KiB). */
const KEPT_MAX_BYTES = 64 * 1024;

const L = {
  kept: {
    zh: '您的登录已失效，刚才填写的内容已为您保留，请核对后再次提交。',
    en: 'Your sign-in had ended, so what you filled in was kept for you. Please check it and send it again.',
  },
} satisfies Record<string, Text>;

const keptItem = z.object({ path: z.string(), sealed: z.string(), expiresAt: z.number() });
const formValues = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

const cookieName = (secure: boolean) => hostCookieName('kept', secure);
const keptKey = (id: string): Key => ({ pk: `keptform#${hashOf(id)}`, sk: 'keptform' });
/** Sealed for one page: the answers open only where they were typed. */
const purpose = (path: string) => `kept-form ${path}`;

/** Posted by a page of this site, as the browser tells: the Origin header, or Fetch Metadata when it has no Origin. */
function sameOrigin(ctx: PageContext): boolean {
  const origin = header(ctx.event, 'origin');
  return origin ? origin === ctx.origin : header(ctx.event, 'sec-fetch-site') === 'same-origin';
}

/** A form posted without a session: its answers kept (see above), and the reader sent to sign in and back here. */
export async function keepForm(ctx: PageContext, posted: FormValues): Promise<Reply> {
  const back = `/sign-in?back=${encodeURIComponent(ctx.here)}`;
  const fields = Object.fromEntries(Object.entries(posted).filter(([k, v]) => k !== 'csrf' && (typeof v === 'string' || Array.isArray(v))));
  const text = JSON.stringify(fields);
  if (!sameOrigin(ctx) || Buffer.byteLength(text) > KEPT_MAX_BYTES) return redirect(back);
  const id = newSecret();
  const path = ctx.event.rawPath;
  const expiresAt = Math.floor(ctx.deps.now().getTime() / 1000) + KEPT_SECONDS;
  await ctx.deps.store.write({ op: 'put', table: 'registry', item: { ...keptKey(id), path, sealed: seal(id, purpose(path), text), expiresAt } });
  return redirect(back, [cookie(cookieName(ctx.secure), id, { secure: ctx.secure, maxAge: KEPT_SECONDS })]);
}

/**
 * On a form's page, signed in again: the answers kept for this page, once (the item is deleted as it is read), with
 * `ctx.notice` set so that the page says why its form is filled in. Undefined when nothing was kept for it.
 */
export async function resumeForm(ctx: PageContext): Promise<FormValues | undefined> {
  const id = cookiesOf(ctx.event)[cookieName(ctx.secure)];
  if (!ctx.signedIn || !id || id.length > 100) return undefined;
  const key = keptKey(id);
  const item = keptItem.safeParse(await ctx.deps.store.get('registry', key));
  const path = ctx.event.rawPath;
  // DynamoDB deletes expired items only eventually: the expiry is checked here.
  if (!item.success || item.data.path !== path || item.data.expiresAt * 1000 <= ctx.deps.now().getTime()) return undefined;
  await ctx.deps.store.write({ op: 'delete', table: 'registry', key });
  const text = unseal(id, purpose(path), item.data.sealed);
  // Sealing proves the text is the JSON written above; the schema still types it.
  const values = text === undefined ? undefined : formValues.safeParse(JSON.parse(text));
  if (!values?.success) return undefined;
  ctx.notice = L.kept;
  return values.data;
}
