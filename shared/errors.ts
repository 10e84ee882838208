import type { Lang, Text } from './i18n';
import { say } from './i18n';

/** A problem with one field; domain modules give both languages, the validator gives the caller's. */
export interface FieldError {
  path: string;
  message: string | Text;
}

/** Catalogue of error codes with their status and both languages' messages. */
export const ERRORS = {
  invalid_json: { status: 400, zh: '请求体不是有效的 JSON', en: 'The request body is not valid JSON' },
  validation_failed: { status: 400, zh: '请求内容有误，请检查标出的字段', en: 'The request has errors in the fields listed' },
  invalid_cursor: { status: 400, zh: '分页游标无效或已过期', en: 'The page cursor is invalid' },
  unauthorized: { status: 401, zh: '未登录或登录已失效', en: 'Sign-in is missing or has expired' },
  forbidden: { status: 403, zh: '无权访问该资源', en: 'You are not allowed to do this' },
  not_found: { status: 404, zh: '未找到该资源', en: 'Not found' },
  route_not_found: { status: 404, zh: '没有这个接口', en: 'No such route' },
  conflict: { status: 409, zh: '数据已被他人修改，请刷新后重试', en: 'The data was changed by someone else; reload and try again' },
  already_exists: { status: 409, zh: '该记录已存在', en: 'This record already exists' },
  payload_too_large: { status: 413, zh: '请求体过大', en: 'The request body is too large' },
  misdirected_request: { status: 421, zh: '请求的主机名不属于本服务', en: 'This server does not answer for the host named in the request' },
  unsupported_media_type: { status: 415, zh: '请求体必须是 application/json', en: 'The request body must be application/json' },
  unprocessable: { status: 422, zh: '请求无法执行', en: 'The request cannot be carried out' },
  internal: { status: 500, zh: '服务器内部错误，请稍后重试', en: 'Internal error; please try again later' },
} as const satisfies Record<string, Text & { status: number }>;

export type ErrorCode = keyof typeof ERRORS;

/**
 * An error meant for the caller. Domain modules throw it; the error middleware turns it into a response.
 * `detail` replaces the catalogue message when a more specific one helps (both languages).
 */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly fields: FieldError[] = [],
    readonly detail?: Text,
  ) {
    super(detail?.en ?? ERRORS[code].en);
    this.status = ERRORS[code].status;
  }

  body(lang: Lang) {
    const fields = this.fields.map((f) => ({
      path: f.path,
      message: typeof f.message === 'string' ? f.message : say(f.message, lang),
    }));
    return { error: { code: this.code, message: say(this.detail ?? ERRORS[this.code], lang), fields } };
  }
}

export const notFound = () => new ApiError('not_found');
export const forbidden = () => new ApiError('forbidden');
