import type * as z from '../../zod';
import { ApiError, type FieldError } from '../../errors';
import type { Lang } from '../../i18n';
import { FIELD_MESSAGES, describeIssue } from '../../validation-messages';
import { header, type ApiMiddleware } from '../context';

const DEFAULT_MAX_BODY = 64 * 1024;
const FORM_ONLY = { zh: '请求体必须是 application/x-www-form-urlencoded', en: 'The request body must be application/x-www-form-urlencoded' };
const errorMaps: Record<Lang, z.core.$ZodErrorMap> = {
  'zh-CN': (issue) => describeIssue(issue, 'zh-CN'),
  en: (issue) => describeIssue(issue, 'en'),
};

/**
 * A union that failed is reported through the one alternative the value was shaped like (a node, or a list of
 * nodes), so the caller learns what is wrong inside it rather than that it matched nothing.
 */
function closest(issue: z.core.$ZodIssueInvalidUnion): z.core.$ZodIssue[] | undefined {
  const shaped = issue.errors.filter((branch) => !(branch.length === 1 && branch[0]!.code === 'invalid_type' && branch[0]!.path.length === 0));
  return shaped.length === 1 ? shaped[0] : undefined;
}

/** Adds the problems of `issues` under `prefix`, each at its own path: an unknown key at the key, a union inside it. */
function report(issues: z.core.$ZodIssue[], prefix: PropertyKey[], fields: FieldError[]) {
  for (const i of issues) {
    const at = [...prefix, ...i.path];
    const inner = i.code === 'invalid_union' ? closest(i) : undefined;
    if (inner) {
      report(inner, at, fields);
      continue;
    }
    const keys = i.code === 'unrecognized_keys' ? i.keys : [undefined];
    for (const k of keys) fields.push({ path: [...at, ...(k ? [k] : [])].map(String).join('.'), message: i.message });
  }
}

/** Parses one part of the request, adding its problems to `fields` (so the caller learns of all at once). */
function parse(schema: z.ZodMiniType | undefined, value: unknown, where: string, lang: Lang, fields: FieldError[]): unknown {
  if (!schema) return where === 'body' ? undefined : {};
  const r = schema.safeParse(value, { error: errorMaps[lang] });
  if (r.success) return r.data;
  report(r.error.issues, [where], fields);
  return undefined;
}

/** The same, for request parts checked outside the pipeline (the local runtime's own routes): same paths, same wording. */
export { parse as parseRequestPart };

function readBody(raw: string | undefined, base64: boolean | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  return base64 ? Buffer.from(raw, 'base64').toString('utf8') : raw;
}

/** An HTML form's fields: a name sent once is a string, a name sent more than once (checkboxes) a list. */
function formFields(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const had = fields[k];
    fields[k] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v];
  }
  return fields;
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
        if (op.bodyType === 'form') {
          if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) throw new ApiError('unsupported_media_type', [], FORM_ONLY);
          body = formFields(text);
        } else {
          if (!/^application\/json\s*(;|$)/i.test(type)) throw new ApiError('unsupported_media_type');
          try {
            body = JSON.parse(text);
          } catch {
            throw new ApiError('invalid_json');
          }
        }
      } else if (op.bodyType === 'form') {
        // A form with no fields sends nothing at all.
        body = {};
      }
    } else if (text !== undefined) {
      throw new ApiError('validation_failed', [{ path: 'body', message: FIELD_MESSAGES.no_body }]);
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
