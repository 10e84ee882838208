import type * as z from '../../zod';
import zhCN from 'zod/v4/locales/zh-CN.js';
import en from 'zod/v4/locales/en.js';
import { ApiError, type FieldError } from '../../errors';
import type { Lang } from '../../i18n';
import { FIELD_MESSAGES } from '../../validation-messages';
import { header, type ApiMiddleware } from '../context';

const DEFAULT_MAX_BODY = 64 * 1024;
const locales = { 'zh-CN': zhCN().localeError, en: en().localeError };

/** zod's own wording in the caller's language, unless the schema named one of ours in `params.i18n`. */
function errorMap(lang: Lang): z.core.$ZodErrorMap {
  return (issue) => {
    const key = (issue as { params?: { i18n?: string } }).params?.i18n;
    const text = key ? FIELD_MESSAGES[key] : undefined;
    if (text) return lang === 'en' ? text.en : text.zh;
    return locales[lang](issue);
  };
}

/** Parses one part of the request, adding its problems to `fields` (so the caller learns of all at once). */
function parse(schema: z.ZodMiniType | undefined, value: unknown, where: string, lang: Lang, fields: FieldError[]): unknown {
  if (!schema) return where === 'body' ? undefined : {};
  const r = schema.safeParse(value, { error: errorMap(lang) });
  if (r.success) return r.data;
  for (const i of r.error.issues) {
    // An unknown key is reported at its own path, not at the object holding it.
    const keys = i.code === 'unrecognized_keys' ? i.keys : [undefined];
    for (const k of keys) fields.push({ path: [where, ...i.path.map(String), ...(k ? [k] : [])].join('.'), message: i.message });
  }
  return undefined;
}

/** The same, for request parts checked outside the pipeline (the local runtime's own routes): same paths, same wording. */
export { parse as parseRequestPart };

function readBody(raw: string | undefined, base64: boolean | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  return base64 ? Buffer.from(raw, 'base64').toString('utf8') : raw;
}

/**
 * Checks and parses everything the caller sent: size (413), media type (415), JSON (400), then path, query and
 * body against the operation's zod schemas (400 with field errors). Nothing reaches the handler unchecked.
 */
export const validateInput = (): ApiMiddleware => ({
  before: async (request) => {
    const s = request.context.govtiers;
    const op = s.binding!.op;
    const { event } = request;
    const text = readBody(event.body, event.isBase64Encoded);
    let body: unknown;
    if (op.body) {
      const size = text ? Buffer.byteLength(text) : 0;
      if (size > (op.maxBodyBytes ?? DEFAULT_MAX_BODY)) throw new ApiError('payload_too_large');
      if (text !== undefined) {
        const type = header(event, 'content-type') ?? '';
        if (!/^application\/json\s*(;|$)/i.test(type)) throw new ApiError('unsupported_media_type');
        try {
          body = JSON.parse(text);
        } catch {
          throw new ApiError('invalid_json');
        }
      }
    } else if (text !== undefined) {
      throw new ApiError('validation_failed', [{ path: 'body', message: { zh: '该接口不接受请求体', en: 'This route takes no body' } }]);
    }
    const fields: FieldError[] = [];
    s.input = {
      params: parse(op.params, event.pathParameters ?? {}, 'params', s.lang, fields),
      query: parse(op.query, event.queryStringParameters ?? {}, 'query', s.lang, fields),
      body: parse(op.body, body, 'body', s.lang, fields),
    };
    if (fields.length > 0) throw new ApiError('validation_failed', fields);
  },
});
